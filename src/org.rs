//! Organisations supplied by the host program: built in Rust code or
//! deserialized with serde (for example from JSON kept beside a database).
//!
//! An [`OrgSpec`] is lowered into the same statements as an `org { }` block,
//! so the same checks apply to all three ways of writing an org. Problems in
//! an `OrgSpec` are reported by path (`org.json: units[3].under`).

use crate::diag::{DiagKind, Diagnostic, Diagnostics, Label, Location, Span};
use crate::source::DataPath;
use crate::source::Sources;
pub use crate::syntax::ast::Relation;
use crate::syntax::ast::{DateLit, Name, OrgStmt, RelationLit};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// An organisation: units, people in positions, coverage, matters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgSpec {
    /// Units, each under at most one parent.
    #[serde(default)]
    pub units: Vec<UnitSpec>,
    /// Who holds which position in which unit, when.
    #[serde(default)]
    pub holdings: Vec<HoldingSpec>,
    /// Who covers (分管/联系) which units or matters, when.
    #[serde(default)]
    pub covers: Vec<CoverSpec>,
    /// Matter instances and the units related to them.
    #[serde(default)]
    pub matters: Vec<MatterSpec>,
    /// Units related to every matter of a kind.
    #[serde(default)]
    pub routes: Vec<RouteSpec>,
    /// Seats held by virtue of other posts (兼任).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seats: Vec<SeatSpec>,
}

/// A seat held by virtue of other posts: whoever holds one of `held_by` on
/// a date holds `position` of `unit` that day (`seat … is …`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeatSpec {
    /// The seat's position.
    pub position: String,
    /// The seat's unit.
    pub unit: String,
    /// The posts that carry it.
    pub held_by: Vec<PostSpec>,
    /// First day the seat is so held; open when absent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "date_serde::opt_date"
    )]
    pub from: Option<NaiveDate>,
    /// Last day; open when absent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "date_serde::opt_date"
    )]
    pub to: Option<NaiveDate>,
}

/// A position of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostSpec {
    /// The position.
    pub position: String,
    /// The unit.
    pub unit: String,
}

/// A unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitSpec {
    /// Its name.
    pub name: String,
    /// Its declared kind.
    pub kind: String,
    /// The parent unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub under: Option<String>,
}

/// A person holding a position in a unit over a date interval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoldingSpec {
    /// The person.
    pub person: String,
    /// The position.
    pub position: String,
    /// The unit.
    pub unit: String,
    /// First day held; open when absent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "date_serde::opt_date"
    )]
    pub from: Option<NaiveDate>,
    /// Last day held; open when absent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "date_serde::opt_date"
    )]
    pub to: Option<NaiveDate>,
}

/// A person covering units or matters (分管, or 联系 when `liaison`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverSpec {
    /// The person.
    pub person: String,
    /// Names of units or matters.
    pub targets: Vec<String>,
    /// 联系 rather than 分管.
    #[serde(default)]
    pub liaison: bool,
    /// First day; open when absent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "date_serde::opt_date"
    )]
    pub from: Option<NaiveDate>,
    /// Last day; open when absent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "date_serde::opt_date"
    )]
    pub to: Option<NaiveDate>,
}

/// A matter instance (a course, a lecture series, a WeChat account …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatterSpec {
    /// Its name.
    pub name: String,
    /// Its declared kind.
    pub kind: String,
    /// Units related to it, by relation.
    #[serde(default, flatten)]
    pub relations: RelationsSpec,
}

/// Units related to every matter of a kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    /// The matter kind.
    pub kind: String,
    /// Units related to it, by relation.
    #[serde(default, flatten)]
    pub relations: RelationsSpec,
}

/// The units related to a matter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationsSpec {
    /// 主管: the unit in charge.
    #[serde(default, rename = "in-charge", skip_serializing_if = "Option::is_none")]
    pub in_charge: Option<String>,
    /// 建设/运行: the unit that built or runs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// 举办: the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// 审批: the approver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
}

impl RelationsSpec {
    fn into_pairs(self) -> [(Relation, Option<String>); 4] {
        [
            (Relation::InCharge, self.in_charge),
            (Relation::Operator, self.operator),
            (Relation::Host, self.host),
            (Relation::Approver, self.approver),
        ]
    }
}

impl OrgSpec {
    /// An empty org.
    pub fn new() -> Self {
        OrgSpec::default()
    }

    /// Reads an org from JSON. `source` names the data in diagnostics.
    pub fn from_json(source: &str, text: &str) -> Result<OrgSpec, Diagnostics> {
        from_json(source, text)
    }

    /// Adds a unit.
    pub fn unit(mut self, name: &str, kind: &str, under: Option<&str>) -> Self {
        self.units.push(UnitSpec {
            name: name.into(),
            kind: kind.into(),
            under: under.map(Into::into),
        });
        self
    }

    /// Adds a person holding a position.
    pub fn holds(
        mut self,
        person: &str,
        position: &str,
        unit: &str,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Self {
        self.holdings.push(HoldingSpec {
            person: person.into(),
            position: position.into(),
            unit: unit.into(),
            from,
            to,
        });
        self
    }

    /// Adds coverage (分管) of units or matters by a person.
    pub fn covers(
        mut self,
        person: &str,
        targets: &[&str],
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Self {
        self.covers.push(CoverSpec {
            person: person.into(),
            targets: targets.iter().map(|t| (*t).to_string()).collect(),
            liaison: false,
            from,
            to,
        });
        self
    }

    /// Adds a matter instance.
    pub fn matter(mut self, name: &str, kind: &str, relations: RelationsSpec) -> Self {
        self.matters.push(MatterSpec {
            name: name.into(),
            kind: kind.into(),
            relations,
        });
        self
    }

    /// Routes every matter of a kind to units.
    pub fn route(mut self, kind: &str, relations: RelationsSpec) -> Self {
        self.routes.push(RouteSpec {
            kind: kind.into(),
            relations,
        });
        self
    }

    /// Adds a seat held by whoever holds one of `held_by` (position, unit).
    pub fn seat(mut self, position: &str, unit: &str, held_by: &[(&str, &str)]) -> Self {
        self.seats.push(SeatSpec {
            position: position.into(),
            unit: unit.into(),
            held_by: held_by
                .iter()
                .map(|(p, u)| PostSpec {
                    position: (*p).into(),
                    unit: (*u).into(),
                })
                .collect(),
            from: None,
            to: None,
        });
        self
    }
}

/// A serde_json error as a diagnostic at its line and column.
pub(crate) fn json_error(source: &str, text: &str, e: &serde_json::Error) -> Diagnostic {
    let line = e.line();
    let text_line = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    // serde_json appends exactly this to its message when it knows where.
    let msg = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    let msg = msg.strip_suffix(&position).unwrap_or(&msg).to_string();
    // serde_json counts columns in bytes; diagnostics count characters.
    let column = text_line
        .get(..e.column().saturating_sub(1))
        .map_or(e.column(), |before| before.chars().count() + 1);
    Diagnostic::at_line(
        DiagKind::Data,
        source,
        text_line,
        line,
        column,
        msg,
        Some("see the README for the expected JSON format".into()),
    )
}

/// Reads JSON, reporting a problem with its line and column and the exact
/// path of the item it is in (`units[1].under`).
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    source: &str,
    text: &str,
) -> Result<T, Diagnostics> {
    // The fast path reads without tracking paths; only a failure is read
    // again to learn the path of the item at fault.
    let e = match serde_json::from_str(text) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let traced: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let Err(e) = traced else {
        // Read whole, so the fault lies after the value (trailing text).
        return Err(Diagnostics(vec![json_error(source, text, &e)]));
    };
    // A key not yet read shows as `?`: point at the map that holds it.
    let path = e.path().to_string();
    let path = path.trim_end_matches(".?").to_string();
    let mut d = json_error(source, text, e.inner());
    if path != "." && !path.is_empty() {
        d = d.with_label(Label {
            location: Location::Data {
                file: source.to_string(),
                path,
            },
            text: "in this item".into(),
        });
    }
    Err(Diagnostics(vec![d]))
}

/// Lowers a spec into org statements. The path of each value is recorded
/// in a data source, so diagnostics can point at `units[3].under`.
///
/// Names with characters that may not stand in a name (controls, bidi
/// controls, zero-width characters) are reported by path and returned apart.
pub(crate) fn lower(
    spec: OrgSpec,
    source: &str,
    sources: &mut Sources,
) -> (Vec<OrgStmt>, Vec<Diagnostic>) {
    let mut l = Lowering {
        file: sources.next_id(),
        source,
        paths: Vec::new(),
        bad: Vec::new(),
    };
    // The spec is taken apart: its names move into the statements.
    let OrgSpec {
        units,
        holdings,
        covers,
        mut matters,
        mut routes,
        seats,
    } = spec;
    let mut stmts = Vec::new();
    for (i, u) in units.into_iter().enumerate() {
        stmts.push(OrgStmt::Unit {
            name: l.name(DataPath::new("units", i, "name"), u.name),
            kind: l.name(DataPath::new("units", i, "kind"), u.kind),
            under: u
                .under
                .map(|p| l.name(DataPath::new("units", i, "under"), p)),
        });
    }
    for (i, h) in holdings.into_iter().enumerate() {
        let person = l.name(DataPath::new("holdings", i, "person"), h.person);
        stmts.push(OrgStmt::Holds {
            from: l.date(h.from, DataPath::new("holdings", i, "from")),
            to: l.date(h.to, DataPath::new("holdings", i, "to")),
            position: l.name(DataPath::new("holdings", i, "position"), h.position),
            unit: l.name(DataPath::new("holdings", i, "unit"), h.unit),
            person,
        });
    }
    for (i, c) in covers.into_iter().enumerate() {
        let person = l.name(DataPath::new("covers", i, "person"), c.person);
        let targets = c
            .targets
            .into_iter()
            .enumerate()
            .map(|(j, t)| l.name(DataPath::new("covers", i, "targets").at(j), t))
            .collect();
        stmts.push(OrgStmt::Covers {
            from: l.date(c.from, DataPath::new("covers", i, "from")),
            to: l.date(c.to, DataPath::new("covers", i, "to")),
            liaison: c.liaison,
            targets,
            person,
        });
    }
    let relations =
        |l: &mut Lowering<'_>, prefix: DataPath, r: RelationsSpec| -> Vec<RelationLit> {
            r.into_pairs()
                .into_iter()
                .filter_map(|(rel, unit)| {
                    unit.map(|u| RelationLit {
                        relation: rel,
                        unit: l.name(prefix.field(rel.keyword()), u),
                    })
                })
                .collect()
        };
    let mut matter_rel = Vec::new();
    for (i, m) in matters.iter_mut().enumerate() {
        let r = std::mem::take(&mut m.relations);
        matter_rel.push(relations(&mut l, DataPath::new("matters", i, ""), r));
    }
    let mut route_rel = Vec::new();
    for (i, r) in routes.iter_mut().enumerate() {
        let r = std::mem::take(&mut r.relations);
        route_rel.push(relations(&mut l, DataPath::new("routes", i, ""), r));
    }
    for ((i, m), rels) in matters.into_iter().enumerate().zip(matter_rel) {
        stmts.push(OrgStmt::Matter {
            name: l.name(DataPath::new("matters", i, "name"), m.name),
            kind: l.name(DataPath::new("matters", i, "kind"), m.kind),
            relations: rels,
        });
    }
    for ((i, r), rels) in routes.into_iter().enumerate().zip(route_rel) {
        stmts.push(OrgStmt::Route {
            kind: l.name(DataPath::new("routes", i, "kind"), r.kind),
            relations: rels,
        });
    }
    for (i, s) in seats.into_iter().enumerate() {
        let sources = s
            .held_by
            .into_iter()
            .enumerate()
            .map(|(j, p)| {
                let at = DataPath::new("seats", i, "held_by").at(j);
                (l.name(at, p.position), l.name(at, p.unit))
            })
            .collect();
        stmts.push(OrgStmt::Seat {
            citation: None,
            position: l.name(DataPath::new("seats", i, "position"), s.position),
            unit: l.name(DataPath::new("seats", i, "unit"), s.unit),
            sources,
            from: l.date(s.from, DataPath::new("seats", i, "from")),
            to: l.date(s.to, DataPath::new("seats", i, "to")),
        });
    }
    sources.add_data(source, l.paths);
    (stmts, l.bad)
}

/// Lowering of one spec: every item gets the path it was read from.
struct Lowering<'a> {
    file: u32,
    source: &'a str,
    paths: Vec<DataPath>,
    bad: Vec<Diagnostic>,
}

impl Lowering<'_> {
    /// A span standing for the item at `path`.
    fn at(&mut self, path: DataPath) -> Span {
        let i = self.paths.len();
        self.paths.push(path);
        Span::new(self.file, i, i)
    }

    /// A name read at `path`, checked against the character policy.
    fn name(&mut self, path: DataPath, value: String) -> Name {
        if let Some((message, help)) = crate::text::bad_name_message(&value) {
            if self.bad.len() < crate::limits::MAX_DIAGNOSTICS {
                self.bad.push(Diagnostic::at_path(
                    DiagKind::ForbiddenChar,
                    self.source,
                    path.to_string(),
                    message,
                    Some(help),
                ));
            }
        }
        Name {
            text: value,
            span: self.at(path),
        }
    }

    fn date(&mut self, d: Option<NaiveDate>, path: DataPath) -> Option<DateLit> {
        d.map(|date| DateLit {
            date,
            span: self.at(path),
        })
    }
}

/// Dates in JSON, checked as in policy files, with the same messages.
pub(crate) mod date_serde {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer};

    pub(crate) fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let text = String::deserialize(d)?;
        crate::syntax::parse_date(&text)
            .map_err(|(m, h)| serde::de::Error::custom(format!("{m} ({h})")))
    }

    pub(crate) fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => crate::syntax::parse_date(&text)
                .map(Some)
                .map_err(|(m, h)| serde::de::Error::custom(format!("{m} ({h})"))),
        }
    }
}
