//! The three file kinds. Fields are trimmed of surrounding spaces before parsing.

use super::super::base_price::{BasePrice, BasePriceError, MAX_BASE_PRICE_FEN};
use super::super::csv::{self, Record};
use super::super::dwelling::{Dwelling, DwellingDto};
use super::super::ids::{Area, BuildingId, CommunityId};
use super::super::table::{
    CoefficientRow, CoefficientTable, Dimension, RowMatch, TableData, TableError, parse_coefficient,
};
use super::super::unit_code::UnitCode;
use super::error::{Collector, ImportError, ImportReport};
use crate::money::Fen;
use std::collections::HashMap;
use time::Date;

/// Columns of the base-price file.
pub const BASE_PRICE_COLUMNS: &[&str] = &[
    "community_id",
    "building_id",
    "effective_from",
    "price_per_m2",
];

/// Columns of the coefficient-table file.
pub const TABLE_COLUMNS: &[&str] = &[
    "version",
    "city_code",
    "effective_from",
    "dimension",
    "key",
    "from",
    "to",
    "coefficient",
];

/// Columns of the dwelling-register file (the fields of `DwellingDto`).
pub const DWELLING_COLUMNS: &[&str] = &[
    "unit_code",
    "community_id",
    "building_id",
    "floor",
    "total_storeys",
    "has_lift",
    "orientation",
    "layout",
    "view",
    "build_year",
    "decoration",
    "area_m2",
    "end_unit",
    "structure",
];

/// A data row with its fields placed in the order of the expected columns.
struct Row {
    row: usize,
    fields: Vec<String>,
    columns: &'static [&'static str],
}

impl Row {
    fn get(&self, column: &str) -> &str {
        let at = self.columns.iter().position(|c| *c == column);
        at.and_then(|i| self.fields.get(i)).map_or("", |f| f.trim())
    }

    /// Parses one field; on failure records the issue and answers `None`.
    fn take<T>(
        &self,
        c: &mut Collector,
        column: &'static str,
        parse: impl FnOnce(&str) -> Result<T, ImportError>,
    ) -> Option<T> {
        let text = self.get(column);
        let result = if text.is_empty() {
            Err(ImportError::Empty)
        } else {
            parse(text)
        };
        result.map_err(|e| c.push(self.row, Some(column), &e)).ok()
    }

    /// Like [`Row::take`], but an empty field is `Some(None)`.
    fn take_opt<T>(
        &self,
        c: &mut Collector,
        column: &'static str,
        parse: impl FnOnce(&str) -> Result<T, ImportError>,
    ) -> Option<Option<T>> {
        if self.get(column).is_empty() {
            Some(None)
        } else {
            self.take(c, column, parse).map(Some)
        }
    }
}

/// A data row, or the syntax / field-count problem that spoils it.
type RowResult = Result<Row, (usize, ImportError)>;

/// Records a spoilt row's problem (so that issues come in row order) and skips it.
fn ok_row<'r>(row: &'r RowResult, c: &mut Collector) -> Option<&'r Row> {
    match row {
        Ok(row) => Some(row),
        Err((at, e)) => {
            c.push(*at, None, e);
            None
        }
    }
}

/// Reads the header and the rows. Header problems end the import (`None`). Also
/// answers the number of data rows read.
fn open(
    text: &str,
    columns: &'static [&'static str],
    c: &mut Collector,
) -> Option<(Vec<RowResult>, usize)> {
    let mut records = csv::read(text).into_iter();
    let header = match records.next() {
        None => {
            c.push(0, None, &ImportError::NoHeader);
            return None;
        }
        Some(Err((row, syntax))) => {
            c.push(row, None, &syntax.into());
            return None;
        }
        Some(Ok(Record { fields, .. })) => fields,
    };
    // place[i] = header position of expected column i.
    let mut place: Vec<Option<usize>> = vec![None; columns.len()];
    let mut header_ok = true;
    for (pos, name) in header.iter().enumerate() {
        let name = name.trim();
        match columns.iter().position(|c| *c == name) {
            None => {
                let e = ImportError::UnknownColumn {
                    column: name.to_owned(),
                };
                c.push(1, Some(name), &e);
                header_ok = false;
            }
            Some(i) if place[i].is_some() => {
                let e = ImportError::DuplicateColumn {
                    column: name.to_owned(),
                };
                c.push(1, Some(name), &e);
                header_ok = false;
            }
            Some(i) => place[i] = Some(pos),
        }
    }
    for (i, p) in place.iter().enumerate() {
        if p.is_none() {
            let e = ImportError::MissingColumn { column: columns[i] };
            c.push(1, Some(columns[i]), &e);
            header_ok = false;
        }
    }
    if !header_ok {
        return None;
    }
    let place: Vec<usize> = place.into_iter().flatten().collect();
    let mut rows = Vec::new();
    let mut read = 0;
    for record in records {
        read += 1;
        rows.push(match record {
            Err((row, syntax)) => Err((row, syntax.into())),
            Ok(Record { row, fields }) if fields.len() != header.len() => {
                let e = ImportError::FieldCount {
                    expected: header.len(),
                    found: fields.len(),
                };
                Err((row, e))
            }
            Ok(Record { row, mut fields }) => {
                let fields = place
                    .iter()
                    .map(|&p| std::mem::take(&mut fields[p]))
                    .collect();
                Ok(Row {
                    row,
                    fields,
                    columns,
                })
            }
        });
    }
    if read == 0 {
        c.push(0, None, &ImportError::NoDataRows);
    }
    Some((rows, read))
}

fn date(text: &str) -> Result<Date, ImportError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format).map_err(|_| ImportError::BadDate {
        found: text.to_owned(),
    })
}

fn community(text: &str) -> Result<CommunityId, ImportError> {
    CommunityId::parse(text).ok_or_else(|| ImportError::BadId {
        found: text.to_owned(),
    })
}

fn building(text: &str) -> Result<BuildingId, ImportError> {
    BuildingId::parse(text).ok_or_else(|| ImportError::BadId {
        found: text.to_owned(),
    })
}

fn integer(text: &str) -> Result<i64, ImportError> {
    text.parse().map_err(|_| ImportError::BadInteger {
        found: text.to_owned(),
    })
}

fn boolean(text: &str) -> Result<bool, ImportError> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "是" => Ok(true),
        "false" | "0" | "否" => Ok(false),
        _ => Err(ImportError::BadBool {
            found: text.to_owned(),
        }),
    }
}

/// Parses a base-price file into its rows.
pub fn parse_base_prices_csv(text: &str) -> Result<Vec<BasePrice>, ImportReport> {
    let mut c = Collector::default();
    let Some((rows, read)) = open(text, BASE_PRICE_COLUMNS, &mut c) else {
        return c.finish(0, Vec::new());
    };
    let mut out = Vec::with_capacity(rows.len());
    let mut seen: HashMap<(CommunityId, Option<BuildingId>, Date), usize> = HashMap::new();
    for row in &rows {
        let Some(row) = ok_row(row, &mut c) else {
            continue;
        };
        let community_id = row.take(&mut c, "community_id", community);
        let building_id = row.take_opt(&mut c, "building_id", building);
        let effective_from = row.take(&mut c, "effective_from", date);
        let price = row.take(&mut c, "price_per_m2", |t| {
            let fen = Fen::parse_yuan(t).map_err(|_| ImportError::BadAmount {
                found: t.to_owned(),
            })?;
            if fen.get() <= 0 || fen.get() > MAX_BASE_PRICE_FEN {
                return Err(BasePriceError::PriceOutOfRange { price: fen }.into());
            }
            Ok(fen)
        });
        let (Some(community_id), Some(building_id), Some(effective_from), Some(price)) =
            (community_id, building_id, effective_from, price)
        else {
            continue;
        };
        let key = (community_id.clone(), building_id.clone(), effective_from);
        if seen.insert(key, row.row).is_some() {
            let e = BasePriceError::Duplicate {
                community_id,
                building_id,
                effective_from,
            };
            c.push(row.row, Some("effective_from"), &e.into());
            continue;
        }
        out.push(BasePrice {
            community_id,
            building_id,
            effective_from,
            price_per_m2: price,
        });
    }
    c.finish(read, out)
}

/// The column a table-wide error points at.
fn table_error_column(e: &TableError) -> Option<&'static str> {
    Some(match e {
        TableError::BadVersion => "version",
        TableError::BadCityCode { .. } => "city_code",
        TableError::KindMismatch { .. }
        | TableError::UnknownKey { .. }
        | TableError::DuplicateKey { .. }
        | TableError::MissingKey { .. } => "key",
        TableError::CoefficientOutOfRange { .. } => "coefficient",
        TableError::BadRange { .. } | TableError::Overlap { .. } | TableError::Gap { .. } => "from",
        TableError::NoRows => return None,
    })
}

/// Parses a coefficient-table file (one table) and checks the table.
pub fn parse_coefficient_table_csv(text: &str) -> Result<CoefficientTable, ImportReport> {
    let mut c = Collector::default();
    let Some((rows, read)) = open(text, TABLE_COLUMNS, &mut c) else {
        return Err(c.into_report(0));
    };
    let mut head: Option<(String, String, Option<Date>)> = None;
    let mut table_rows = Vec::with_capacity(rows.len());
    let mut csv_rows = Vec::with_capacity(rows.len());
    for row in &rows {
        let Some(row) = ok_row(row, &mut c) else {
            continue;
        };
        let version = row.get("version").to_owned();
        let city = row.get("city_code").to_owned();
        let effective = row.take(&mut c, "effective_from", date);
        match &head {
            None => head = Some((version, city, effective)),
            Some((v, ci, d)) => {
                for (column, same) in [
                    ("version", *v == version),
                    ("city_code", *ci == city),
                    ("effective_from", effective.is_none() || *d == effective),
                ] {
                    if !same {
                        c.push(row.row, Some(column), &ImportError::TableHeaderDiffers);
                    }
                }
            }
        }
        let dimension = row.take(&mut c, "dimension", |t| {
            Dimension::from_key(t).ok_or_else(|| ImportError::UnknownDimension {
                found: t.to_owned(),
            })
        });
        let coefficient = row.take(&mut c, "coefficient", |t| {
            parse_coefficient(t).ok_or_else(|| ImportError::BadCoefficient {
                found: t.to_owned(),
            })
        });
        let Some(dimension) = dimension else { continue };
        let matches = table_match(row, dimension, &mut c);
        if let (Some(matches), Some(coefficient)) = (matches, coefficient) {
            table_rows.push(CoefficientRow {
                dimension,
                matches,
                coefficient,
            });
            csv_rows.push(row.row);
        }
    }
    let first_row = rows.iter().flatten().next().map_or(0, |r| r.row);
    let table = match head {
        Some((version, city_code, Some(effective_from))) if c.is_clean() => {
            let data = TableData {
                version,
                city_code,
                effective_from,
                rows: table_rows,
            };
            CoefficientTable::new(data)
                .map_err(|e| {
                    let row = match &e {
                        TableError::MissingKey { .. } | TableError::Gap { .. } => 0,
                        TableError::BadVersion | TableError::BadCityCode { .. } => first_row,
                        other => other
                            .row()
                            .and_then(|i| csv_rows.get(i).copied())
                            .unwrap_or(0),
                    };
                    c.push(row, table_error_column(&e), &e.into());
                })
                .ok()
        }
        _ => None,
    };
    match table {
        Some(table) => c.finish(read, table),
        // Every way to get here has recorded an issue.
        None => Err(c.into_report(read)),
    }
}

fn table_match(row: &Row, dimension: Dimension, c: &mut Collector) -> Option<RowMatch> {
    let must_be_empty = |column: &'static str, c: &mut Collector| {
        let t = row.get(column);
        let ok = t.is_empty();
        if !ok {
            let e = ImportError::NotEmpty {
                found: t.to_owned(),
            };
            c.push(row.row, Some(column), &e);
        }
        ok
    };
    if dimension.keys().is_some() {
        let from_ok = must_be_empty("from", c);
        let to_ok = must_be_empty("to", c);
        let key = row.take(c, "key", |t| Ok(t.to_owned()));
        return key.filter(|_| from_ok && to_ok).map(RowMatch::Key);
    }
    let key_ok = must_be_empty("key", c);
    let number = |t: &str| match dimension {
        Dimension::Area => {
            Area::parse_m2(t)
                .map(Area::centi_m2)
                .ok_or_else(|| ImportError::BadArea {
                    found: t.to_owned(),
                })
        }
        _ => integer(t),
    };
    let from = row.take(c, "from", number);
    let to = row.take_opt(c, "to", number);
    match (from, to) {
        (Some(from), Some(to)) if key_ok => Some(RowMatch::Range { from, to }),
        _ => None,
    }
}

/// Parses a dwelling-register file into dwellings. Unit codes must be unique.
pub fn parse_dwellings_csv(text: &str) -> Result<Vec<Dwelling>, ImportReport> {
    let mut c = Collector::default();
    let Some((rows, read)) = open(text, DWELLING_COLUMNS, &mut c) else {
        return c.finish(0, Vec::new());
    };
    let mut out = Vec::with_capacity(rows.len());
    let mut seen: HashMap<UnitCode, usize> = HashMap::with_capacity(rows.len());
    for row in &rows {
        let Some(row) = ok_row(row, &mut c) else {
            continue;
        };
        let floor = row.take(&mut c, "floor", integer);
        let total_storeys = row.take(&mut c, "total_storeys", integer);
        let build_year = row.take(&mut c, "build_year", integer);
        let has_lift = row.take(&mut c, "has_lift", boolean);
        let end_unit = row.take(&mut c, "end_unit", boolean);
        let (Some(floor), Some(total_storeys), Some(build_year), Some(has_lift), Some(end_unit)) =
            (floor, total_storeys, build_year, has_lift, end_unit)
        else {
            continue;
        };
        let text = |column: &str| row.get(column).to_owned();
        let dto = DwellingDto {
            unit_code: text("unit_code"),
            community_id: text("community_id"),
            building_id: text("building_id"),
            floor,
            total_storeys,
            has_lift,
            orientation: text("orientation"),
            layout: text("layout"),
            view: text("view"),
            build_year,
            decoration: text("decoration"),
            area_m2: text("area_m2"),
            end_unit,
            structure: text("structure"),
        };
        match Dwelling::try_from(dto) {
            Err(e) => c.push(row.row, Some(e.field()), &e.into()),
            Ok(d) => match seen.get(d.unit_code()) {
                Some(&first_row) => {
                    let e = ImportError::DuplicateUnitCode {
                        unit_code: d.unit_code().to_string(),
                        first_row,
                    };
                    c.push(row.row, Some("unit_code"), &e);
                }
                None => {
                    seen.insert(*d.unit_code(), row.row);
                    out.push(d);
                }
            },
        }
    }
    c.finish(read, out)
}
