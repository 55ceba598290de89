//! The typed syntax tree. Every node carries a compact [`Span`]; no pest type
//! appears here.

use crate::diag::Span;
use chrono::NaiveDate;
use serde::Serialize;

/// A name as written (bare or quoted), with its span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Name {
    /// The name's text, quotes removed.
    pub text: String,
    /// Where it was written.
    #[serde(skip)]
    pub span: Span,
}

/// A date with its span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DateLit {
    /// The date.
    pub date: NaiveDate,
    /// Where it was written.
    #[serde(skip)]
    pub span: Span,
}

/// One parsed file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct File {
    /// The declarations, in order.
    pub items: Vec<Item>,
}

/// A top-level declaration.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "item", rename_all = "snake_case")]
pub enum Item {
    /// `policy "title" { ... }`
    Header(Header),
    /// `duties A > B > C`
    Duties {
        /// Strongest first.
        names: Vec<Name>,
        /// The whole declaration.
        #[serde(skip)]
        span: Span,
    },
    /// `unit kinds A, B`
    UnitKinds {
        /// The kinds.
        names: Vec<Name>,
    },
    /// `matter kinds A, B`
    MatterKinds {
        /// The kinds.
        names: Vec<Name>,
    },
    /// `positions A single, B`
    Positions {
        /// The positions.
        positions: Vec<PositionDecl>,
    },
    /// `org { ... }`
    Org {
        /// The statements.
        stmts: Vec<OrgStmt>,
    },
    /// `assign per "..." scope { ... }`
    Assign(AssignBlock),
}

/// The policy header.
#[derive(Debug, Clone, Serialize)]
pub struct Header {
    /// The regulation's title.
    pub title: Name,
    /// Issuing body.
    pub issuer: Option<Name>,
    /// Document number.
    pub number: Option<Name>,
    /// Effective date.
    pub effective: Option<DateLit>,
    /// Documents the regulation is based on.
    pub basis: Vec<Name>,
    /// The whole header.
    #[serde(skip)]
    pub span: Span,
}

/// A declared position.
#[derive(Debug, Clone, Serialize)]
pub struct PositionDecl {
    /// The position's name.
    pub name: Name,
    /// Whether at most one person may hold it in a unit on any day.
    pub single: bool,
}

/// A statement inside `org { }`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "stmt", rename_all = "snake_case")]
pub enum OrgStmt {
    /// `unit N kind K under P`
    Unit {
        /// Unit name.
        name: Name,
        /// Unit kind.
        kind: Name,
        /// Parent unit.
        under: Option<Name>,
    },
    /// `matter N kind K relation*`
    Matter {
        /// Matter name.
        name: Name,
        /// Matter kind.
        kind: Name,
        /// Units related to the matter.
        relations: Vec<RelationLit>,
    },
    /// `route K relation+`
    Route {
        /// Matter kind.
        kind: Name,
        /// Units related to every matter of the kind.
        relations: Vec<RelationLit>,
    },
    /// `P holds POS of U from D to D`
    Holds {
        /// Person.
        person: Name,
        /// Position.
        position: Name,
        /// Unit.
        unit: Name,
        /// First day held.
        from: Option<DateLit>,
        /// Last day held.
        to: Option<DateLit>,
    },
    /// `P covers X, Y from D to D`
    Covers {
        /// Person.
        person: Name,
        /// 分管 or 联系.
        liaison: bool,
        /// Units or matters covered.
        targets: Vec<Name>,
        /// First day.
        from: Option<DateLit>,
        /// Last day.
        to: Option<DateLit>,
    },
}

/// How a unit relates to a matter.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    /// 主管: the unit in charge (谁主管谁负责).
    InCharge,
    /// 建设/运行: the unit that built or runs it (谁建设谁管理).
    Operator,
    /// 举办: the host (谁举办谁负责).
    Host,
    /// 审批: the approver (谁审批谁监督).
    Approver,
}

impl Relation {
    /// The keyword used in policy files.
    pub fn keyword(self) -> &'static str {
        match self {
            Relation::InCharge => "in-charge",
            Relation::Operator => "operator",
            Relation::Host => "host",
            Relation::Approver => "approver",
        }
    }

    /// All relations, in order.
    pub const ALL: [Relation; 4] = [
        Relation::InCharge,
        Relation::Operator,
        Relation::Host,
        Relation::Approver,
    ];
}

/// `relation UNIT`
#[derive(Debug, Clone, Serialize)]
pub struct RelationLit {
    /// The relation.
    pub relation: Relation,
    /// The unit.
    pub unit: Name,
}

/// `assign per "..." scope { items }`
#[derive(Debug, Clone, Serialize)]
pub struct AssignBlock {
    /// The citation, e.g. `第三条`.
    pub citation: Name,
    /// What the rules apply to.
    pub scope: Scope,
    /// The rules.
    pub items: Vec<AssignItem>,
}

/// The scope of an assignment block.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum Scope {
    /// `in each K, K`
    EachUnit {
        /// Unit kinds.
        kinds: Vec<Name>,
    },
    /// `in U`
    Unit {
        /// The unit.
        unit: Name,
    },
    /// `for each matter K, K`
    EachMatter {
        /// Matter kinds.
        kinds: Vec<Name>,
    },
    /// `for matter M`
    Matter {
        /// The matter.
        matter: Name,
    },
}

/// `bearer bears DUTY`
#[derive(Debug, Clone, Serialize)]
pub struct AssignItem {
    /// Who bears the duty.
    pub bearer: BearerLit,
    /// The duty.
    pub duty: Name,
    /// The whole rule.
    #[serde(skip)]
    pub span: Span,
}

/// Who bears a duty, as written.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "bearer", rename_all = "snake_case")]
pub enum BearerLit {
    /// `team [of anchor]`
    Team {
        /// Whose team, if not the scope's own.
        of: Option<Anchor>,
    },
    /// `POSITION [of anchor] [covering]`
    Position {
        /// The position.
        position: Name,
        /// In which unit, if not the scope's own.
        of: Option<Anchor>,
        /// Only holders who cover the target (一岗双责).
        covering: bool,
    },
}

/// The unit a bearer belongs to.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "anchor", content = "value", rename_all = "snake_case")]
pub enum Anchor {
    /// A named unit.
    Unit(Name),
    /// The unit related to the target matter.
    Relation(Relation),
}
