//! One tree, two spellings. The spec defines the XML and derives the JSON from it by
//! the Spark convention (<http://wiki.open311.org/JSON_and_XML_Conversion>): the root
//! element is dropped, a container of repeated elements (`<services><service>`) is an
//! array, an empty element is `null`. Every document is built once as a [`Node`]
//! tree and written by [`to_xml`] or [`to_json`], so the two formats cannot disagree
//! on a field, its order or its value.
//!
//! XML: the declaration `<?xml version="1.0" encoding="utf-8"?>`, then elements
//! indented by four spaces as in the spec's examples; an absent value is an empty
//! element (`<agency_responsible></agency_responsible>`), as in those examples.
//! Text is escaped (`&`, `<`, `>`, `"`, `'`, and CR as `&#13;` so that it survives a
//! parser's line-end normalisation). JSON: compact, fields in the same order.

use super::format::Format;

/// A value in a document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// No value: an empty element, `null`.
    Empty,
    /// Text, free of characters XML 1.0 cannot carry (see [`Node::text`]).
    Text(String),
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Int(u64),
    /// A finite decimal number (coordinates).
    Float(f64),
    /// A container of repeated elements named `item`: `<xs><x/>…</xs>`, `[…]`.
    List(&'static str, Vec<Node>),
    /// Named fields in order: child elements, a JSON object.
    Record(Vec<(&'static str, Node)>),
}

impl Node {
    /// Text, dropping the characters XML 1.0 forbids (C0 controls other than tab,
    /// LF and CR; U+FFFE, U+FFFF) so that both formats carry the same text; empty
    /// text is [`Node::Empty`], as the Spark convention reads `<x></x>`.
    pub(crate) fn text(text: &str) -> Node {
        let clean: String = text.chars().filter(|c| xml_char(*c)).collect();
        if clean.is_empty() {
            Node::Empty
        } else {
            Node::Text(clean)
        }
    }

    /// Optional text: `None` is [`Node::Empty`].
    pub(crate) fn opt_text(text: Option<&str>) -> Node {
        text.map_or(Node::Empty, Node::text)
    }
}

/// Whether XML 1.0 (production `Char`) allows `c`; Rust's `char` has no surrogates.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// The document in `format`; `root` names the XML root element, which JSON drops.
pub(crate) fn render(root: &'static str, node: &Node, format: Format) -> String {
    match format {
        Format::Xml => to_xml(root, node),
        Format::Json => to_json(node),
    }
}

/// The XML document: declaration, then `root` holding `node`.
pub(crate) fn to_xml(root: &'static str, node: &Node) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    write_element(&mut out, root, node, 0);
    out
}

fn write_element(out: &mut String, name: &str, node: &Node, depth: usize) {
    let indent = "    ".repeat(depth);
    out.push_str(&indent);
    out.push('<');
    out.push_str(name);
    out.push('>');
    let children: Vec<(&str, &Node)> = match node {
        Node::Empty => Vec::new(),
        Node::Text(text) => {
            escape_xml(out, text);
            Vec::new()
        }
        Node::Bool(b) => {
            out.push_str(if *b { "true" } else { "false" });
            Vec::new()
        }
        Node::Int(n) => {
            out.push_str(&n.to_string());
            Vec::new()
        }
        Node::Float(x) => {
            write_float(out, *x);
            Vec::new()
        }
        Node::List(item, items) => items.iter().map(|n| (*item, n)).collect(),
        Node::Record(fields) => fields.iter().map(|(k, n)| (*k, n)).collect(),
    };
    if !children.is_empty() {
        out.push('\n');
        for (child_name, child) in children {
            write_element(out, child_name, child, depth + 1);
        }
        out.push_str(&indent);
    }
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

/// Escapes text for element content (and attribute values, should one ever be written).
fn escape_xml(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            c if xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// A finite number as its shortest round-trip decimal (never an exponent); a
/// non-finite one, which [`Coordinates`](super::Coordinates) cannot hold, as nothing.
fn write_float(out: &mut String, x: f64) {
    if x.is_finite() {
        out.push_str(&x.to_string());
    }
}

/// The JSON document: `node` without the root, fields in order.
pub(crate) fn to_json(node: &Node) -> String {
    let mut out = String::new();
    write_json(&mut out, node);
    out
}

fn write_json(out: &mut String, node: &Node) {
    match node {
        Node::Empty => out.push_str("null"),
        Node::Text(text) => escape_json(out, text),
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Int(n) => out.push_str(&n.to_string()),
        Node::Float(x) if x.is_finite() => write_float(out, *x),
        Node::Float(_) => out.push_str("null"),
        Node::List(_, items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Node::Record(fields) => {
            out.push('{');
            for (i, (name, value)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                escape_json(out, name);
                out.push(':');
                write_json(out, value);
            }
            out.push('}');
        }
    }
}

/// A JSON string literal (RFC 8259), with U+2028/U+2029 escaped for old JavaScript.
fn escape_json(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Node {
        Node::List(
            "item",
            vec![Node::Record(vec![
                ("name", Node::text("a&b <c> \"d\" 'e'")),
                ("none", Node::Empty),
                ("flag", Node::Bool(true)),
                ("count", Node::Int(3)),
                ("lat", Node::Float(-122.4651145)),
                ("tags", Node::List("tag", vec![Node::text("x")])),
                ("nothing", Node::List("tag", vec![])),
            ])],
        )
    }

    #[test]
    fn xml_is_indented_escaped_and_empty_is_an_empty_element() {
        assert_eq!(
            to_xml("items", &sample()),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
             <items>\n\
             \x20   <item>\n\
             \x20       <name>a&amp;b &lt;c&gt; &quot;d&quot; &apos;e&apos;</name>\n\
             \x20       <none></none>\n\
             \x20       <flag>true</flag>\n\
             \x20       <count>3</count>\n\
             \x20       <lat>-122.4651145</lat>\n\
             \x20       <tags>\n\
             \x20           <tag>x</tag>\n\
             \x20       </tags>\n\
             \x20       <nothing></nothing>\n\
             \x20   </item>\n\
             </items>\n"
        );
        assert_eq!(
            to_xml("items", &Node::List("item", vec![])),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<items></items>\n"
        );
    }

    #[test]
    fn json_drops_the_root_and_keeps_the_order() {
        assert_eq!(
            to_json(&sample()),
            r#"[{"name":"a&b <c> \"d\" 'e'","none":null,"flag":true,"count":3,"lat":-122.4651145,"tags":["x"],"nothing":[]}]"#
        );
        let parsed: serde_json::Value = serde_json::from_str(&to_json(&sample())).unwrap();
        assert_eq!(parsed[0]["name"], "a&b <c> \"d\" 'e'");
    }

    #[test]
    fn characters_xml_forbids_are_dropped_from_both_formats() {
        let node = Node::text("a\u{0}b\u{8}c\u{1b}d\u{FFFE}e\u{FFFF}f\tg\nh\ri");
        assert_eq!(node, Node::Text("abcdef\tg\nh\ri".to_owned()));
        assert_eq!(Node::text("\u{1}\u{2}"), Node::Empty);
        assert_eq!(Node::text(""), Node::Empty);
        assert_eq!(Node::opt_text(None), Node::Empty);
        let xml = to_xml("d", &node);
        assert!(xml.contains("<d>abcdef\tg\nh&#13;i</d>"), "{xml}");
        assert_eq!(to_json(&node), r#""abcdef\tg\nh\ri""#);
        // Every XML document written parses, and gives back the text.
        let text = "营商 & <环境> \"'\u{7f}\u{2028}😀";
        let xml = to_xml("d", &Node::text(text));
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut seen = String::new();
        loop {
            match reader.read_event().unwrap() {
                quick_xml::events::Event::Text(t) => seen.push_str(&t.decode().unwrap()),
                quick_xml::events::Event::GeneralRef(r) => {
                    let name = r.decode().unwrap();
                    seen.push(match name.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("unexpected entity {other}"),
                    });
                }
                quick_xml::events::Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(seen.trim_matches('\n'), text);
        let json: String = serde_json::from_str(&to_json(&Node::text(text))).unwrap();
        assert_eq!(json, text);
    }

    #[test]
    fn json_escapes_controls_and_line_separators() {
        let node = Node::Text("\u{1f}\u{2028}\\".to_owned());
        assert_eq!(to_json(&node), r#""\u001f\u2028\\""#);
    }
}
