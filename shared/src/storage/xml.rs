//! The two XML documents S3 answers that the client reads: a `ListObjectsV2`
//! result and an `<Error>`. A small event reader: element path → text.

use quick_xml::Reader;
use quick_xml::events::Event;

/// Every (element path, text) pair of a document, in order; the path joins local
/// names with `/` (e.g. `ListBucketResult/Contents/Key`). Elements without text
/// appear with an empty text when they close, so repeated groups can be split.
pub(crate) fn leaves(xml: &[u8]) -> Result<Vec<(String, String)>, ()> {
    let text = std::str::from_utf8(xml).map_err(|_| ())?;
    let mut reader = Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut out = Vec::new();
    loop {
        match reader.read_event().map_err(|_| ())? {
            Event::Start(e) => {
                path.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
                current.clear();
            }
            Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let full = if path.is_empty() {
                    name
                } else {
                    format!("{}/{name}", path.join("/"))
                };
                out.push((full, String::new()));
            }
            Event::Text(t) => current.push_str(&t.decode().map_err(|_| ())?),
            Event::CData(t) => current.push_str(&t.decode().map_err(|_| ())?),
            Event::GeneralRef(r) => {
                if let Some(c) = r.resolve_char_ref().map_err(|_| ())? {
                    current.push(c);
                } else {
                    current.push(match r.decode().map_err(|_| ())?.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        _ => return Err(()),
                    });
                }
            }
            Event::End(_) => {
                if path.is_empty() {
                    return Err(());
                }
                out.push((path.join("/"), std::mem::take(&mut current)));
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if path.is_empty() && !out.is_empty() {
        Ok(out)
    } else {
        Err(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_with_entities() {
        let l = leaves(
            br#"<?xml version="1.0"?><A><B>x &amp; y&#x4E2D;</B><C/><D><![CDATA[<z>]]></D></A>"#,
        )
        .unwrap();
        assert_eq!(
            l,
            vec![
                ("A/B".to_owned(), "x & y中".to_owned()),
                ("A/C".to_owned(), String::new()),
                ("A/D".to_owned(), "<z>".to_owned()),
                ("A".to_owned(), String::new()),
            ]
        );
        assert!(leaves(b"<A><B></A>").is_err());
        assert!(leaves(b"not xml").is_err());
        assert!(leaves(b"<A>&bogus;</A>").is_err());
    }
}
