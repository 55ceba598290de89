//! Compile a policy and ask who is responsible, in what capacity, and why.
//!
//! Run with `cargo run --example quickstart`.

use zeren::{org::OrgSpec, NaiveDate, Policy};

const RULES: &str = r#"
policy "网络意识形态工作责任制实施细则" { effective 2018-11-08 }

duties 主体责任 > 第一责任人 > 重要领导责任
unit kinds 党委, 学院
positions 书记 single, 班子成员

assign per "第三条" in each 党委 {
  team               bears 主体责任
  书记               bears 第一责任人
  班子成员 covering  bears 重要领导责任   # 一岗双责
}
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The org chart usually lives in a database: build it in code (or
    // deserialize it from JSON); it gets the same checks as an `org { }` block.
    let d = |s: &str| s.parse().ok();
    let org = OrgSpec::new()
        .unit("校党委", "党委", None)
        .unit("机械学院", "学院", Some("校党委"))
        .holds("李 江", "书记", "校党委", d("2018-01-01"), d("2019-06-30"))
        .holds("张明远", "书记", "校党委", d("2019-07-01"), None)
        .holds("王五", "班子成员", "校党委", d("2018-01-01"), None)
        .covers("王五", &["机械学院"], d("2018-01-01"), None);

    let policy = Policy::builder()
        .source("rules.zr", RULES)
        .org("org", org)
        .build()?;

    // 以上人员如有变动，由其岗位接任者自然替补: the answer follows the date.
    for on in ["2019-06-30", "2019-07-01"] {
        print!("{}", policy.who_unit("校党委", on.parse()?)?);
    }
    let on: NaiveDate = "2020-01-01".parse()?;
    print!("{}", policy.who_unit("机械学院", on)?);
    print!("{}", policy.duties_of("王五", on)?);
    Ok(())
}
