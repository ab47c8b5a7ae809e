//! Writing the same three files, so that exports (and the demo register) can be read
//! back by the parsers: `parse(write(x)) == x`.

use super::super::base_price::BasePrice;
use super::super::dwelling::{Dwelling, DwellingDto};
use super::super::ids::Area;
use super::super::table::{CoefficientTable, Dimension, RowMatch, format_coefficient};
use super::files::{BASE_PRICE_COLUMNS, DWELLING_COLUMNS, TABLE_COLUMNS};

/// Quotes a field when it holds a comma, a quote or a line break.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) || text.trim() != text {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn line(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(f));
    }
    out.push('\n');
}

/// A base-price file (header and one line per price; amounts in yuan).
pub fn base_prices_to_csv<'a>(prices: impl IntoIterator<Item = &'a BasePrice>) -> String {
    let mut out = String::new();
    line(&mut out, BASE_PRICE_COLUMNS);
    for p in prices {
        let building = p.building_id.as_ref().map_or("", |b| b.as_str());
        line(
            &mut out,
            &[
                p.community_id.as_str(),
                building,
                &p.effective_from.to_string(),
                &p.price_per_m2.to_string(),
            ],
        );
    }
    out
}

/// A coefficient-table file (header and one line per row).
pub fn table_to_csv(table: &CoefficientTable) -> String {
    let mut out = String::new();
    line(&mut out, TABLE_COLUMNS);
    let date = table.effective_from().to_string();
    for r in table.rows() {
        let shown = |v: i64| match r.dimension {
            Dimension::Area => Area::from_centi_m2(v).to_string(),
            _ => v.to_string(),
        };
        let (key, from, to) = match &r.matches {
            RowMatch::Key(k) => (k.clone(), String::new(), String::new()),
            RowMatch::Range { from, to } => {
                (String::new(), shown(*from), to.map_or(String::new(), shown))
            }
        };
        line(
            &mut out,
            &[
                table.version(),
                table.city_code(),
                &date,
                r.dimension.key(),
                &key,
                &from,
                &to,
                &format_coefficient(r.coefficient),
            ],
        );
    }
    out
}

/// A dwelling-register file (header and one line per dwelling, machine keys).
pub fn dwellings_to_csv<'a>(dwellings: impl IntoIterator<Item = &'a Dwelling>) -> String {
    let mut out = String::new();
    line(&mut out, DWELLING_COLUMNS);
    for d in dwellings {
        let dto = DwellingDto::from(d);
        line(
            &mut out,
            &[
                &dto.unit_code,
                &dto.community_id,
                &dto.building_id,
                &dto.floor.to_string(),
                &dto.total_storeys.to_string(),
                &dto.has_lift.to_string(),
                &dto.orientation,
                &dto.layout,
                &dto.view,
                &dto.build_year.to_string(),
                &dto.decoration,
                &dto.area_m2,
                &dto.end_unit.to_string(),
                &dto.structure,
            ],
        );
    }
    out
}
