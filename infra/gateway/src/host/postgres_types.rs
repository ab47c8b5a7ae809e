//! Values between `spin:postgres@4.2.0` and tokio-postgres, mapped the way Spin's
//! host maps them: a guest's parameter becomes the Rust type whose `ToSql` accepts
//! the same PostgreSQL types (so a parameter of the wrong type fails as on Spin), and
//! a column is read by its PostgreSQL type into the matching WIT value, NULL as
//! `db-null`, any type without a WIT form as `unsupported` with its raw bytes.
//!
//! One deliberate difference: a `timestamptz` column is read as a UTC `datetime`,
//! as the WIT documents ("date-time types are always treated as UTC"); Spin's host
//! reads it as a timestamp without zone and fails on it.

use crate::world::postgres::{
    DbDataType, DbValue, Interval as WitInterval, ParameterValue, RangeBoundKind,
};
use bytes::{BufMut, BytesMut};
use std::error::Error as StdError;
use tokio_postgres::Row;
use tokio_postgres::types::{FromSql, IsNull, Kind, ToSql, Type, to_sql_checked};

type BoxError = Box<dyn StdError + Sync + Send>;

/// The WIT type of a column of PostgreSQL type `ty`.
pub fn data_type(ty: &Type) -> DbDataType {
    match *ty {
        Type::BOOL => DbDataType::Boolean,
        Type::BYTEA => DbDataType::Binary,
        Type::FLOAT4 => DbDataType::Floating32,
        Type::FLOAT8 => DbDataType::Floating64,
        Type::INT2 => DbDataType::Int16,
        Type::INT4 => DbDataType::Int32,
        Type::INT8 => DbDataType::Int64,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR => DbDataType::Str,
        Type::TIMESTAMP | Type::TIMESTAMPTZ => DbDataType::Datetime,
        Type::DATE => DbDataType::Date,
        Type::TIME => DbDataType::Time,
        Type::UUID => DbDataType::Uuid,
        Type::JSONB => DbDataType::Jsonb,
        Type::NUMERIC => DbDataType::Decimal,
        Type::INT4_RANGE => DbDataType::RangeInt32,
        Type::INT8_RANGE => DbDataType::RangeInt64,
        Type::NUM_RANGE => DbDataType::RangeDecimal,
        Type::INT4_ARRAY => DbDataType::ArrayInt32,
        Type::INT8_ARRAY => DbDataType::ArrayInt64,
        Type::NUMERIC_ARRAY => DbDataType::ArrayDecimal,
        Type::TEXT_ARRAY | Type::VARCHAR_ARRAY | Type::BPCHAR_ARRAY => DbDataType::ArrayStr,
        Type::INTERVAL => DbDataType::Interval,
        _ => DbDataType::Other(ty.name().to_owned()),
    }
}

fn get<'a, T: FromSql<'a>>(
    row: &'a Row,
    i: usize,
    wrap: impl FnOnce(T) -> Result<DbValue, BoxError>,
) -> Result<DbValue, BoxError> {
    match row.try_get::<_, Option<T>>(i)? {
        Some(v) => wrap(v),
        None => Ok(DbValue::DbNull),
    }
}

/// Column `i` of `row` as a WIT value.
pub fn column_value(row: &Row, i: usize) -> Result<DbValue, BoxError> {
    let ty = row.columns()[i].type_().clone();
    match ty {
        Type::BOOL => get(row, i, |v| Ok(DbValue::Boolean(v))),
        Type::BYTEA => get(row, i, |v| Ok(DbValue::Binary(v))),
        Type::FLOAT4 => get(row, i, |v| Ok(DbValue::Floating32(v))),
        Type::FLOAT8 => get(row, i, |v| Ok(DbValue::Floating64(v))),
        Type::INT2 => get(row, i, |v| Ok(DbValue::Int16(v))),
        Type::INT4 => get(row, i, |v| Ok(DbValue::Int32(v))),
        Type::INT8 => get(row, i, |v| Ok(DbValue::Int64(v))),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR => get(row, i, |v| Ok(DbValue::Str(v))),
        Type::TIMESTAMP => get(row, i, |v: time::PrimitiveDateTime| {
            datetime_to_wit(v).map(DbValue::Datetime)
        }),
        Type::TIMESTAMPTZ => get(row, i, |v: time::OffsetDateTime| {
            let utc = v.to_offset(time::UtcOffset::UTC);
            datetime_to_wit(time::PrimitiveDateTime::new(utc.date(), utc.time()))
                .map(DbValue::Datetime)
        }),
        Type::DATE => get(row, i, |v: time::Date| {
            Ok(DbValue::Date((v.year(), u8::from(v.month()), v.day())))
        }),
        Type::TIME => get(row, i, |v: time::Time| {
            Ok(DbValue::Time((
                v.hour(),
                v.minute(),
                v.second(),
                v.nanosecond(),
            )))
        }),
        Type::UUID => get(row, i, |v: uuid::Uuid| Ok(DbValue::Uuid(v.to_string()))),
        Type::JSONB => get(row, i, |v: serde_json::Value| {
            Ok(DbValue::Jsonb(serde_json::to_vec(&v)?))
        }),
        Type::NUMERIC => get(row, i, |v: rust_decimal::Decimal| {
            Ok(DbValue::Decimal(v.to_string()))
        }),
        Type::INT4_RANGE => get(row, i, |v: PgRange<i32>| {
            Ok(DbValue::RangeInt32(v.into_wit()))
        }),
        Type::INT8_RANGE => get(row, i, |v: PgRange<i64>| {
            Ok(DbValue::RangeInt64(v.into_wit()))
        }),
        Type::NUM_RANGE => get(row, i, |v: PgRange<rust_decimal::Decimal>| {
            let (lo, hi) = v.into_wit();
            let s = |b: Option<(rust_decimal::Decimal, RangeBoundKind)>| {
                b.map(|(d, k)| (d.to_string(), k))
            };
            Ok(DbValue::RangeDecimal((s(lo), s(hi))))
        }),
        Type::INT4_ARRAY => get(row, i, |v| Ok(DbValue::ArrayInt32(v))),
        Type::INT8_ARRAY => get(row, i, |v| Ok(DbValue::ArrayInt64(v))),
        Type::NUMERIC_ARRAY => get(row, i, |v: Vec<Option<rust_decimal::Decimal>>| {
            Ok(DbValue::ArrayDecimal(
                v.into_iter().map(|d| d.map(|d| d.to_string())).collect(),
            ))
        }),
        Type::TEXT_ARRAY | Type::VARCHAR_ARRAY | Type::BPCHAR_ARRAY => {
            get(row, i, |v| Ok(DbValue::ArrayStr(v)))
        }
        Type::INTERVAL => get(row, i, |v: PgInterval| Ok(DbValue::Interval(v.0))),
        _ => get(row, i, |v: Raw| Ok(DbValue::Unsupported(v.0))),
    }
}

/// The WIT's datetime tuple: year, month, day, hour, minute, second, nanosecond.
type WitDatetime = (i32, u8, u8, u8, u8, u8, u32);

fn datetime_to_wit(v: time::PrimitiveDateTime) -> Result<WitDatetime, BoxError> {
    Ok((
        v.year(),
        u8::from(v.month()),
        v.day(),
        v.hour(),
        v.minute(),
        v.second(),
        v.nanosecond(),
    ))
}

fn date_of((y, m, d): (i32, u8, u8)) -> Result<time::Date, BoxError> {
    let month =
        time::Month::try_from(m).map_err(|_| format!("invalid date y={y}, m={m}, d={d}"))?;
    time::Date::from_calendar_date(y, month, d)
        .map_err(|_| format!("invalid date y={y}, m={m}, d={d}").into())
}

fn time_of((h, mi, s, ns): (u8, u8, u8, u32)) -> Result<time::Time, BoxError> {
    time::Time::from_hms_nano(h, mi, s, ns)
        .map_err(|_| format!("invalid time {h}:{mi}:{s}:{ns}").into())
}

fn decimal_of(s: &str) -> Result<rust_decimal::Decimal, BoxError> {
    rust_decimal::Decimal::from_str_exact(s).map_err(|_| format!("invalid decimal {s}").into())
}

/// A guest's parameter as a value tokio-postgres can bind.
pub fn parameter(v: ParameterValue) -> Result<Box<dyn ToSql + Send + Sync>, BoxError> {
    Ok(match v {
        ParameterValue::Boolean(v) => Box::new(v),
        ParameterValue::Int8(v) => Box::new(v),
        ParameterValue::Int16(v) => Box::new(v),
        ParameterValue::Int32(v) => Box::new(v),
        ParameterValue::Int64(v) => Box::new(v),
        ParameterValue::Floating32(v) => Box::new(v),
        ParameterValue::Floating64(v) => Box::new(v),
        ParameterValue::Str(v) => Box::new(v),
        ParameterValue::Binary(v) => Box::new(v),
        ParameterValue::Date(v) => Box::new(date_of(v)?),
        ParameterValue::Time(v) => Box::new(time_of(v)?),
        ParameterValue::Datetime((y, mo, d, h, mi, s, ns)) => Box::new(
            time::PrimitiveDateTime::new(date_of((y, mo, d))?, time_of((h, mi, s, ns))?),
        ),
        ParameterValue::Timestamp(secs) => Box::new(
            time::OffsetDateTime::from_unix_timestamp(secs)
                .map_err(|_| format!("invalid epoch timestamp {secs}"))?,
        ),
        ParameterValue::Uuid(v) => {
            Box::new(uuid::Uuid::parse_str(&v).map_err(|_| format!("invalid UUID {v}"))?)
        }
        ParameterValue::Jsonb(v) => Box::new(
            serde_json::from_slice::<serde_json::Value>(&v)
                .map_err(|_| format!("invalid JSON {}", String::from_utf8_lossy(&v)))?,
        ),
        ParameterValue::Decimal(v) => Box::new(decimal_of(&v)?),
        ParameterValue::RangeInt32(r) => Box::new(PgRange::from_wit(r)),
        ParameterValue::RangeInt64(r) => Box::new(PgRange::from_wit(r)),
        ParameterValue::RangeDecimal((lo, hi)) => {
            let d = |b: Option<(String, RangeBoundKind)>| {
                b.map(|(s, k)| decimal_of(&s).map(|d| (d, k))).transpose()
            };
            Box::new(PgRange::from_wit((d(lo)?, d(hi)?)))
        }
        ParameterValue::ArrayInt32(v) => Box::new(v),
        ParameterValue::ArrayInt64(v) => Box::new(v),
        ParameterValue::ArrayDecimal(v) => Box::new(
            v.iter()
                .map(|d| d.as_deref().map(decimal_of).transpose())
                .collect::<Result<Vec<_>, _>>()?,
        ),
        ParameterValue::ArrayStr(v) => Box::new(v),
        ParameterValue::Interval(v) => Box::new(PgInterval(v)),
        ParameterValue::DbNull => Box::new(Null),
    })
}

/// A NULL parameter, of whatever type the statement expects.
#[derive(Debug)]
struct Null;

impl ToSql for Null {
    fn to_sql(&self, _: &Type, _: &mut BytesMut) -> Result<IsNull, BoxError> {
        Ok(IsNull::Yes)
    }
    fn accepts(_: &Type) -> bool {
        true
    }
    to_sql_checked!();
}

/// A column's raw bytes, for types without a WIT form.
struct Raw(Vec<u8>);

impl<'a> FromSql<'a> for Raw {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(Raw(raw.to_vec()))
    }
    fn accepts(_: &Type) -> bool {
        true
    }
}

/// PostgreSQL's `interval`: microseconds, days and months, in its binary form.
#[derive(Debug)]
struct PgInterval(WitInterval);

impl ToSql for PgInterval {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        out.put_i64(self.0.micros);
        out.put_i32(self.0.days);
        out.put_i32(self.0.months);
        Ok(IsNull::No)
    }
    fn accepts(ty: &Type) -> bool {
        *ty == Type::INTERVAL
    }
    to_sql_checked!();
}

impl<'a> FromSql<'a> for PgInterval {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let raw: &[u8; 16] = raw.try_into().map_err(|_| "an interval is 16 bytes")?;
        let [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p] = *raw;
        Ok(PgInterval(WitInterval {
            micros: i64::from_be_bytes([a, b, c, d, e, f, g, h]),
            days: i32::from_be_bytes([i, j, k, l]),
            months: i32::from_be_bytes([m, n, o, p]),
        }))
    }
    fn accepts(ty: &Type) -> bool {
        *ty == Type::INTERVAL
    }
}

type Bound<T> = Option<(T, RangeBoundKind)>;

/// A range in PostgreSQL's binary form: a flags byte, then each finite bound as a
/// length-prefixed value of the element type. An empty range reads as unbounded on
/// both sides, as Spin answers it.
#[derive(Debug)]
struct PgRange<T> {
    lower: Bound<T>,
    upper: Bound<T>,
}

const EMPTY: u8 = 0x01;
const LOWER_INCLUSIVE: u8 = 0x02;
const UPPER_INCLUSIVE: u8 = 0x04;
const LOWER_INFINITE: u8 = 0x08;
const UPPER_INFINITE: u8 = 0x10;

impl<T> PgRange<T> {
    fn from_wit((lower, upper): (Bound<T>, Bound<T>)) -> Self {
        PgRange { lower, upper }
    }
    fn into_wit(self) -> (Bound<T>, Bound<T>) {
        (self.lower, self.upper)
    }
}

fn element_of(range: &Type) -> Result<&Type, BoxError> {
    match range.kind() {
        Kind::Range(t) => Ok(t),
        _ => Err(format!("{} is not a range type", range.name()).into()),
    }
}

impl<T: ToSql + std::fmt::Debug> ToSql for PgRange<T> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        let element = element_of(ty)?;
        let mut flags = 0;
        let inclusive = |b: &Bound<T>, bit| match b {
            Some((_, RangeBoundKind::Inclusive)) => bit,
            _ => 0,
        };
        flags |= inclusive(&self.lower, LOWER_INCLUSIVE) | inclusive(&self.upper, UPPER_INCLUSIVE);
        if self.lower.is_none() {
            flags |= LOWER_INFINITE;
        }
        if self.upper.is_none() {
            flags |= UPPER_INFINITE;
        }
        out.put_u8(flags);
        for (value, _) in [&self.lower, &self.upper].into_iter().flatten() {
            let at = out.len();
            out.put_i32(0);
            if let IsNull::Yes = value.to_sql(element, out)? {
                return Err("a range bound cannot be NULL".into());
            }
            let len = i32::try_from(out.len() - at - 4)?;
            out[at..at + 4].copy_from_slice(&len.to_be_bytes());
        }
        Ok(IsNull::No)
    }
    fn accepts(ty: &Type) -> bool {
        matches!(ty.kind(), Kind::Range(t) if T::accepts(t))
    }
    to_sql_checked!();
}

impl<'a, T: FromSql<'a>> FromSql<'a> for PgRange<T> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let element = element_of(ty)?;
        let (&flags, mut rest) = raw.split_first().ok_or("an empty range value")?;
        if flags & EMPTY != 0 {
            return Ok(PgRange {
                lower: None,
                upper: None,
            });
        }
        let mut bound = |infinite: u8, inclusive: u8| -> Result<Bound<T>, BoxError> {
            if flags & infinite != 0 {
                return Ok(None);
            }
            let (len, tail) = rest.split_at_checked(4).ok_or("a truncated range bound")?;
            let len = usize::try_from(i32::from_be_bytes(len.try_into()?))?;
            let (value, tail) = tail
                .split_at_checked(len)
                .ok_or("a truncated range bound")?;
            rest = tail;
            let kind = if flags & inclusive != 0 {
                RangeBoundKind::Inclusive
            } else {
                RangeBoundKind::Exclusive
            };
            Ok(Some((T::from_sql(element, value)?, kind)))
        };
        let lower = bound(LOWER_INFINITE, LOWER_INCLUSIVE)?;
        let upper = bound(UPPER_INFINITE, UPPER_INCLUSIVE)?;
        Ok(PgRange { lower, upper })
    }
    fn accepts(ty: &Type) -> bool {
        matches!(ty.kind(), Kind::Range(t) if T::accepts(t))
    }
}

/// How many bytes a row holds, for the host's buffering limit.
pub fn size_of(row: &[DbValue]) -> usize {
    row.iter()
        .map(|v| {
            std::mem::size_of::<DbValue>()
                + match v {
                    DbValue::Str(s) | DbValue::Decimal(s) | DbValue::Uuid(s) => s.len(),
                    DbValue::Binary(b) | DbValue::Jsonb(b) | DbValue::Unsupported(b) => b.len(),
                    DbValue::ArrayStr(a) | DbValue::ArrayDecimal(a) => a
                        .iter()
                        .map(|s| s.as_ref().map_or(0, String::len) + 24)
                        .sum(),
                    DbValue::ArrayInt32(a) => a.len() * 8,
                    DbValue::ArrayInt64(a) => a.len() * 16,
                    _ => 0,
                }
        })
        .sum()
}
