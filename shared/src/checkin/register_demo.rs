//! A demo register: enterprises of Jiyuan with valid credit codes, names, addresses
//! and industries, the same on every machine.

use std::fmt::Write as _;

use super::register::Enterprise;
use crate::security::credit_code::CreditCode;

/// The division code of Jiyuan (济源市, a county-level city directly under Henan).
pub const JIYUAN_DIVISION_CODE: &str = "419001";

/// Trade-name first characters (字号); no character is in both lists.
const TRADE_FIRST: [&str; 30] = [
    "豫", "济", "沁", "王", "愚", "天", "北", "玉", "金", "宏", "鑫", "华", "兴", "盛", "恒", "瑞",
    "中", "新", "永", "嘉", "博", "康", "润", "聚", "晟", "同", "万", "东", "佳", "卓",
];

/// Trade-name second characters.
const TRADE_SECOND: [&str; 30] = [
    "丰", "达", "源", "泰", "安", "发", "隆", "昌", "利", "和", "信", "宇", "航", "晨", "光", "辉",
    "锦", "程", "茂", "顺", "德", "祥", "益", "宝", "元", "威", "远", "汇", "鼎", "龙",
];

/// Industries in a name and their GB/T 4754-2017 codes.
const INDUSTRIES: [(&str, &str); 20] = [
    ("钢铁", "C3120"),
    ("铅锌冶炼", "C3212"),
    ("化工", "C261"),
    ("机械制造", "C34"),
    ("食品", "C13"),
    ("矿业", "B09"),
    ("能源", "D4411"),
    ("燃气", "D45"),
    ("建筑工程", "E47"),
    ("商贸", "F51"),
    ("超市", "F5211"),
    ("物流", "G54"),
    ("餐饮", "H62"),
    ("信息技术", "I65"),
    ("物业服务", "K7020"),
    ("农业开发", "A01"),
    ("商务咨询", "L72"),
    ("环保科技", "N77"),
    ("家政服务", "O80"),
    ("文化传媒", "R88"),
];

/// Company forms.
const FORMS: [&str; 3] = ["有限公司", "有限责任公司", "股份有限公司"];

/// Towns and sub-districts (镇、街道) of Jiyuan.
const TOWNS: [&str; 16] = [
    "沁园街道",
    "济水街道",
    "北海街道",
    "天坛街道",
    "玉泉街道",
    "克井镇",
    "五龙口镇",
    "轵城镇",
    "承留镇",
    "梨林镇",
    "坡头镇",
    "思礼镇",
    "王屋镇",
    "下冶镇",
    "大峪镇",
    "邵原镇",
];

/// Roads.
const ROADS: [&str; 13] = [
    "济水大街",
    "沁园路",
    "天坛路",
    "黄河大道",
    "愚公路",
    "宣化街",
    "汤帝路",
    "文昌路",
    "荆梁大街",
    "北海大道",
    "太行路",
    "丹河路",
    "建业街",
];

/// The GB 32100 alphabet, in value order (for the demo organisation codes).
const DEMO_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The `i`-th demo credit code: `91` (enterprise registered by market regulation),
/// Jiyuan's division, `MA` and 7 characters that are a bijection of `i` (so distinct
/// for every `i` below 31^7), then the check character.
pub(super) fn demo_credit_code(i: usize) -> CreditCode {
    const SPACE: u64 = 31u64.pow(7);
    let mut v = (i as u64 % SPACE * 1_000_003 + 77_777_777) % SPACE;
    let mut tail = [b'0'; 7];
    for slot in tail.iter_mut().rev() {
        *slot = DEMO_ALPHABET[(v % 31) as usize];
        v /= 31;
    }
    let mut first17 = format!("91{JIYUAN_DIVISION_CODE}MA");
    first17.extend(tail.iter().map(|&b| char::from(b)));
    CreditCode::complete(&first17).expect("17 characters of the alphabet, digits at 3-8")
}

/// `n` demo enterprises of Jiyuan, the same for the same `n` (the first `m` of
/// `demo_register(n)` are `demo_register(m)`): distinct valid credit codes (region
/// 419001, `91419001MA…`), distinct names such as 济源市豫丰钢铁有限公司 (a branch
/// suffix beyond 54,000), addresses in Jiyuan's towns and industries to match.
pub fn demo_register(n: usize) -> Vec<Enterprise> {
    const COMBOS: usize = TRADE_FIRST.len() * TRADE_SECOND.len() * INDUSTRIES.len() * FORMS.len();
    (0..n)
        .map(|i| {
            // A permutation of 0..COMBOS (7919 is prime and does not divide COMBOS),
            // so that neighbours differ in every part.
            let mut j = i % COMBOS * 7919 % COMBOS;
            let (industry, code) = INDUSTRIES[j % INDUSTRIES.len()];
            j /= INDUSTRIES.len();
            let first = TRADE_FIRST[j % TRADE_FIRST.len()];
            j /= TRADE_FIRST.len();
            let second = TRADE_SECOND[j % TRADE_SECOND.len()];
            j /= TRADE_SECOND.len();
            let form = FORMS[j % FORMS.len()];
            let mut name = format!("济源市{first}{second}{industry}{form}");
            if i >= COMBOS {
                let _ = write!(name, "第{}分公司", i / COMBOS);
            }
            let address = format!(
                "河南省济源市{}{}{}号",
                TOWNS[i % TOWNS.len()],
                ROADS[i / TOWNS.len() % ROADS.len()],
                i * 37 % 299 + 1
            );
            Enterprise {
                credit_code: demo_credit_code(i),
                name,
                address,
                division_code: JIYUAN_DIVISION_CODE.to_owned(),
                industry_code: code.to_owned(),
            }
        })
        .collect()
}
