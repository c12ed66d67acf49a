//! The word lists generated people, places and securities are made from.

use super::rng::Rng;

/// Common surnames, most common first (the first twenty are drawn more often).
pub const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",
    "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯",
    "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武", "戴",
    "莫", "孔", "向", "汤", "欧阳", "司马", "诸葛",
];

/// Characters of men's given names.
pub const MALE_GIVEN: &[&str] = &[
    "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞",
    "鑫", "波", "斌", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "建", "国",
    "志", "文", "海", "东", "晨", "博", "锋", "峰", "亮", "成", "立", "永", "德", "天", "一", "子",
    "轩", "睿", "泽", "阳", "瑞", "嘉", "晓", "振", "家", "荣", "昊", "然",
];

/// Characters of women's given names.
pub const FEMALE_GIVEN: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "英", "玲", "燕", "萍", "红", "婷", "雪",
    "琳", "晶", "妍", "倩", "慧", "莉", "颖", "琴", "云", "洁", "梅", "丹", "欣", "悦", "佳", "思",
    "雨", "诗", "梦", "雅", "怡", "瑶", "璐", "薇", "晓", "玉", "凤", "兰", "月", "子", "涵", "可",
    "心", "语", "嘉", "宁", "秋", "春", "蕾", "珊", "菲", "露", "琪", "楠",
];

/// A person's name: surname and a one- or two-character given name.
pub fn person(rng: &mut Rng, male: bool) -> String {
    let surname = if rng.chance(0.6) {
        SURNAMES[rng.below(20) as usize]
    } else {
        rng.pick(SURNAMES)
    };
    let given: &[&str] = if male { MALE_GIVEN } else { FEMALE_GIVEN };
    let mut name = String::from(surname);
    for _ in 0..if rng.chance(0.7) { 2 } else { 1 } {
        let part = *rng.pick(given);
        name.push_str(part);
    }
    name
}

/// A city: name, a district, the 6-digit region code ID numbers begin with, and the
/// short name branches use.
pub struct City {
    pub name: &'static str,
    pub district: &'static str,
    pub region_code: &'static str,
}

pub const CITIES: &[City] = &[
    City {
        name: "上海",
        district: "黄浦区",
        region_code: "310101",
    },
    City {
        name: "北京",
        district: "西城区",
        region_code: "110102",
    },
    City {
        name: "深圳",
        district: "福田区",
        region_code: "440304",
    },
    City {
        name: "广州",
        district: "天河区",
        region_code: "440106",
    },
    City {
        name: "杭州",
        district: "上城区",
        region_code: "330102",
    },
    City {
        name: "南京",
        district: "鼓楼区",
        region_code: "320106",
    },
    City {
        name: "苏州",
        district: "姑苏区",
        region_code: "320508",
    },
    City {
        name: "成都",
        district: "锦江区",
        region_code: "510104",
    },
    City {
        name: "武汉",
        district: "江汉区",
        region_code: "420103",
    },
    City {
        name: "重庆",
        district: "渝中区",
        region_code: "500103",
    },
    City {
        name: "天津",
        district: "和平区",
        region_code: "120101",
    },
    City {
        name: "西安",
        district: "雁塔区",
        region_code: "610113",
    },
    City {
        name: "长沙",
        district: "芙蓉区",
        region_code: "430102",
    },
    City {
        name: "郑州",
        district: "金水区",
        region_code: "410105",
    },
    City {
        name: "济南",
        district: "历下区",
        region_code: "370102",
    },
    City {
        name: "青岛",
        district: "市南区",
        region_code: "370202",
    },
    City {
        name: "宁波",
        district: "海曙区",
        region_code: "330203",
    },
    City {
        name: "厦门",
        district: "思明区",
        region_code: "350203",
    },
    City {
        name: "福州",
        district: "鼓楼区",
        region_code: "350102",
    },
    City {
        name: "合肥",
        district: "蜀山区",
        region_code: "340104",
    },
    City {
        name: "沈阳",
        district: "和平区",
        region_code: "210102",
    },
    City {
        name: "大连",
        district: "中山区",
        region_code: "210202",
    },
    City {
        name: "昆明",
        district: "五华区",
        region_code: "530102",
    },
    City {
        name: "南昌",
        district: "东湖区",
        region_code: "360102",
    },
    City {
        name: "无锡",
        district: "梁溪区",
        region_code: "320213",
    },
    City {
        name: "东莞",
        district: "南城区",
        region_code: "441900",
    },
    City {
        name: "佛山",
        district: "禅城区",
        region_code: "440604",
    },
    City {
        name: "哈尔滨",
        district: "南岗区",
        region_code: "230103",
    },
    City {
        name: "长春",
        district: "朝阳区",
        region_code: "220104",
    },
    City {
        name: "石家庄",
        district: "长安区",
        region_code: "130102",
    },
    City {
        name: "太原",
        district: "小店区",
        region_code: "140105",
    },
    City {
        name: "南宁",
        district: "青秀区",
        region_code: "450103",
    },
];

/// Street names for branches and addresses.
pub const ROADS: &[&str] = &[
    "人民路",
    "中山路",
    "解放路",
    "建设路",
    "南京路",
    "长江路",
    "黄河路",
    "世纪大道",
    "金融街",
    "滨江大道",
    "新华路",
    "文化路",
    "和平路",
    "胜利路",
    "友谊路",
    "光明路",
    "东风路",
    "朝阳路",
    "淮海路",
    "延安路",
    "复兴路",
    "四川南路",
    "福华路",
    "天河路",
    "深南大道",
    "滨河路",
    "迎宾大道",
    "科技园路",
    "环城东路",
    "湖滨路",
];

/// Regions of the generated org tree.
pub const REGIONS: &[&str] = &["华东", "华南", "华北", "华中", "西南", "西北", "东北"];

/// Words of institution names.
pub const FIRM_WORDS: &[&str] = &[
    "恒信", "汇丰", "鼎盛", "华泰", "弘毅", "嘉实", "睿远", "中和", "景顺", "正道", "远航", "同创",
    "明德", "博通", "瑞银", "安泰",
];
pub const FIRM_KINDS: &[&str] = &[
    "投资管理有限公司",
    "资产管理有限公司",
    "科技股份有限公司",
    "实业有限公司",
    "私募基金管理有限公司",
];

/// Customer tags (CUST-1), each at most a few characters.
pub const TAGS: &[&str] = &[
    "两融客户",
    "高净值",
    "基金偏好",
    "活跃交易",
    "长线持有",
    "沉睡客户",
    "科创板权限",
    "创业板权限",
    "港股通",
    "理财偏好",
    "新开户",
    "量化产品",
    "债券偏好",
    "年轻客户",
];

/// Real A-share securities: code, name, an indicative price in fen.
pub const STOCKS: &[(&str, &str, i64)] = &[
    ("600519", "贵州茅台", 150_000),
    ("000858", "五粮液", 13_000),
    ("601318", "中国平安", 5_000),
    ("600036", "招商银行", 3_500),
    ("000333", "美的集团", 7_000),
    ("300750", "宁德时代", 25_000),
    ("601012", "隆基绿能", 1_800),
    ("600276", "恒瑞医药", 4_800),
    ("000001", "平安银行", 1_100),
    ("601166", "兴业银行", 1_800),
    ("600030", "中信证券", 2_500),
    ("600900", "长江电力", 2_800),
    ("601398", "工商银行", 600),
    ("601288", "农业银行", 500),
    ("601988", "中国银行", 500),
    ("601939", "建设银行", 800),
    ("600028", "中国石化", 600),
    ("601857", "中国石油", 800),
    ("000651", "格力电器", 4_000),
    ("002594", "比亚迪", 28_000),
    ("002415", "海康威视", 3_000),
    ("600887", "伊利股份", 2_800),
    ("000568", "泸州老窖", 13_000),
    ("600809", "山西汾酒", 20_000),
    ("002475", "立讯精密", 4_000),
    ("300059", "东方财富", 2_000),
    ("600031", "三一重工", 1_700),
    ("601888", "中国中免", 7_000),
    ("603259", "药明康德", 5_500),
    ("300760", "迈瑞医疗", 25_000),
    ("000725", "京东方A", 450),
    ("601899", "紫金矿业", 1_700),
    ("600309", "万华化学", 7_500),
    ("002714", "牧原股份", 4_000),
    ("600585", "海螺水泥", 2_300),
    ("601328", "交通银行", 700),
    ("600000", "浦发银行", 900),
    ("601601", "中国太保", 3_000),
    ("601628", "中国人寿", 3_500),
    ("600050", "中国联通", 500),
    ("000002", "万科A", 700),
    ("600048", "保利发展", 900),
    ("601668", "中国建筑", 550),
    ("601390", "中国中铁", 600),
    ("600104", "上汽集团", 1_500),
    ("000625", "长安汽车", 1_300),
    ("601633", "长城汽车", 2_500),
    ("688981", "中芯国际", 9_000),
    ("688111", "金山办公", 28_000),
    ("300015", "爱尔眼科", 1_300),
    ("002304", "洋河股份", 7_500),
    ("600690", "海尔智家", 2_700),
    ("000063", "中兴通讯", 3_200),
    ("601138", "工业富联", 2_500),
    ("300124", "汇川技术", 6_000),
    ("002371", "北方华创", 40_000),
    ("600438", "通威股份", 2_000),
    ("601919", "中远海控", 1_500),
    ("600019", "宝钢股份", 650),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_well_formed() {
        assert!(STOCKS.iter().all(|(code, name, price)| code.len() == 6
            && code.bytes().all(|b| b.is_ascii_digit())
            && !name.is_empty()
            && *price > 0));
        let mut codes: Vec<_> = STOCKS.iter().map(|s| s.0).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), STOCKS.len());
        assert!(CITIES.iter().all(|c| c.region_code.len() == 6));
        assert!(TAGS.iter().all(|t| t.chars().count() <= 32));
        let mut rng = Rng::stream(1, "names", 0);
        for _ in 0..100 {
            let name = person(&mut rng, true);
            assert!((2..=4).contains(&name.chars().count()), "{name}");
        }
    }
}
