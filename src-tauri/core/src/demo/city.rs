//! The demo city's structure: Wuhai's three districts, each divided into living circles
//! named after its sub-districts and towns, and 83 communities and villages.

/// (district id, living-circle stem, communities). The district ids match the rows
/// migration 1 inserts. 6 + 3 + 5 = 14 circles; the communities add up to 83.
pub const CIRCLES: &[(i64, &str, &[&str])] = &[
    (1, "新华", &["新华", "团结", "光明", "育才", "民生", "新华西"]),
    (1, "凤凰岭", &["凤凰岭", "锦华", "康乐", "阳光", "海达", "滨湖"]),
    (1, "滨河", &["滨河", "黄河", "金沙", "幸福", "和平", "友谊", "滨河东"]),
    (1, "千里山", &["千里山", "甘德尔", "北山", "胜利", "振兴", "长青", "朝阳"]),
    (1, "卡布其", &["卡布其", "海北", "安居", "兴业", "林荫"]),
    (1, "海勃湾北", &["温馨", "和谐", "龙游湾", "海勃湾"]),
    (2, "西卓子山", &["西卓子山", "新城", "铁路", "老石旦", "东山", "新星"]),
    (2, "拉僧庙", &["拉僧庙", "赛汗乌素村", "东风村", "海南村", "下海勃湾村", "渡口村"]),
    (2, "巴音陶亥", &["巴音陶亥", "万亩滩村", "公乌素", "赛汗", "乌兰布和", "河东村"]),
    (3, "三道坎", &["三道坎", "新达", "建设", "巴音", "团结西", "苏海图西"]),
    (3, "五虎山", &["五虎山", "工人", "矿山", "前进", "五虎山北", "雁园"]),
    (3, "梁家沟", &["梁家沟", "胜利西", "向阳", "红旗", "新民", "绿洲"]),
    (3, "苏海图", &["苏海图", "乌兰淖尔", "杭锦淖尔村", "沙井", "苏海图东", "新河"]),
    (3, "巴音赛", &["巴音赛", "滨湖西", "永安", "民主", "矿区", "幸福南"]),
];

/// GB/T 2260 area codes by district id, for demo ID numbers.
pub fn area_code(district_id: i64) -> &'static str {
    match district_id {
        1 => "150302",
        2 => "150303",
        _ => "150304",
    }
}

pub fn is_village(name: &str) -> bool {
    name.ends_with('村')
}

/// "新华" → "新华社区"; a village keeps its own name.
pub fn community_name(stem: &str) -> String {
    if is_village(stem) {
        stem.to_string()
    } else {
        format!("{stem}社区")
    }
}

pub const STREETS: &[&str] =
    &["人民路", "黄河街", "新华街", "滨河大道", "海拉路", "千里山路", "乌达路", "团结路", "育才巷", "长青路"];
