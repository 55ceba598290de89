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
    /// `scale NAME { A < B < C }`
    Scale {
        /// The scale's name.
        name: Name,
        /// Its levels, lowest first.
        levels: Vec<Name>,
    },
    /// `fact NAME TYPE`
    Fact {
        /// The fact's name.
        name: Name,
        /// Its type.
        ty: FactTypeLit,
    },
    /// `triggers per "..." [applies to ...] { clauses }`
    Triggers(TriggersBlock),
    /// `sanctions per "..." [for "..."] { menu } | by SCALE { grades }`
    Sanctions(SanctionsBlock),
    /// `consequence per "..." "text" when COND` / `aggravating …`
    Consequence(ConsequenceDecl),
    /// `liability per "..." { … }`
    Liability(LiabilityBlock),
    /// `procedure per "..." { propose … decide … file … }`
    Procedure(ProcedureBlock),
    /// `actions A, B`
    Actions {
        /// The actions.
        names: Vec<Name>,
    },
    /// `event kinds A, B`
    EventKinds {
        /// The kinds.
        names: Vec<Name>,
    },
    /// `obligation per "..." SUBJECT must ACTION [to …] CADENCE`
    Obligation(ObligationLit),
    /// `staffing per "..." SUBJECT needs COUNT POSITION [covering], …`
    Staffing(StaffingLit),
    /// `approval per "..." SUBJECT ACTION needs STEP then STEP …`
    Approval(ApprovalLit),
    /// `test "name" { steps }`
    Test(TestLit),
    /// `articles { 第一条  第四条 { (一), (二) } … }`
    Articles {
        /// The articles, in the regulation's order.
        articles: Vec<ArticleLit>,
        /// The whole list.
        #[serde(skip)]
        span: Span,
    },
    /// `interpret "本单位执行口径" { … }`
    Interpret(InterpretLit),
    /// `note per "第十一条" "解释权"`
    Note {
        /// The article.
        citation: Name,
        /// Why it carries no rule.
        reason: Name,
    },
}

/// One article of the regulation, with its items.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleLit {
    /// Its number or heading: `第四条`, `一`.
    pub id: Name,
    /// Its items, in order: `(一)`, `(二)`.
    pub items: Vec<Name>,
}

/// A test written in the policy language.
#[derive(Debug, Clone, Serialize)]
pub struct TestLit {
    /// Its name.
    pub name: Name,
    /// Incidents and expectations, in order.
    pub steps: Vec<TestStepLit>,
}

/// One step of a test.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum TestStepLit {
    /// `incident DATE [at UNIT] [for MATTER] { FACT = VALUE, … } [decided by …]`:
    /// the incident later steps ask about.
    Incident {
        /// Its date.
        date: DateLit,
        /// The unit where it happened.
        unit: Option<Name>,
        /// The matter it concerns.
        matter: Option<Name>,
        /// Its facts.
        facts: Vec<(Name, FactValueLit)>,
        /// How the decision behind it was taken.
        decision: Option<DecisionLit>,
        /// The whole step.
        #[serde(skip)]
        span: Span,
    },
    /// `events { DATE SUBJECT ACTION [to UNIT] … }`: the log later steps ask about.
    Events {
        /// The events, in the order written.
        events: Vec<EventLit>,
        /// The whole step.
        #[serde(skip)]
        span: Span,
    },
    /// `expect triggers (五), …` / `expect no triggers`
    Triggers {
        /// The clauses expected to match, in order; empty for `no triggers`.
        clauses: Vec<Name>,
        /// The whole expectation.
        #[serde(skip)]
        span: Span,
    },
    /// `expect accountable CLAUSE DUTY-OR-POST BEARER, …` / `… none`
    Accountable {
        /// The clause (or consequence) whose people are meant.
        clause: Name,
        /// Exactly the duties or posts and their bearers expected; empty for `none`.
        items: Vec<(Name, WhoBearerLit)>,
        /// The whole expectation.
        #[serde(skip)]
        span: Span,
    },
    /// `expect who UNIT-OR-MATTER on DATE DUTY PERSON|team [of UNIT]|vacant`
    Who {
        /// The unit, matter or matter kind.
        subject: Name,
        /// The date.
        on: DateLit,
        /// The duty.
        duty: Name,
        /// Who is expected to bear it.
        bearer: WhoBearerLit,
        /// The whole expectation.
        #[serde(skip)]
        span: Span,
    },
    /// `expect duties PERSON on DATE DUTY [for SUBJECT], …` / `… none`
    Duties {
        /// The person.
        person: Name,
        /// The date.
        on: DateLit,
        /// Exactly the duties expected; empty for `none`.
        duties: Vec<DutyItemLit>,
        /// The whole expectation.
        #[serde(skip)]
        span: Span,
    },
    /// `expect liability PERSON DUTY|none`
    Liability {
        /// The person.
        person: Name,
        /// The liability expected; `None` for `none`.
        duty: Option<Name>,
        /// The whole expectation.
        #[serde(skip)]
        span: Span,
    },
    /// `expect staffing SUBJECT on DATE ok|short|over [POSITION, …]`
    Staffing {
        /// The unit or matter.
        subject: Name,
        /// The date.
        on: DateLit,
        /// The verdict expected.
        status: StaffedLit,
        /// The positions whose needs are meant; empty for every need of the subject.
        positions: Vec<Name>,
        /// The whole expectation.
        #[serde(skip)]
        span: Span,
    },
    /// `expect compliance SUBJECT [ACTION] PERIOD STATUS [as of DATE]`
    Compliance {
        /// The unit or matter.
        subject: Name,
        /// `by PERSON`: the rows a post's holder owes as a person.
        person: Option<Name>,
        /// The action, when the subject has several obligations.
        action: Option<Name>,
        /// The period as written (`2019`, `2019-Q2` …).
        period: Name,
        /// The verdict expected.
        status: ComplianceLit,
        /// The date of assessment; the day after the period when absent.
        as_of: Option<DateLit>,
        /// The whole expectation.
        #[serde(skip)]
        span: Span,
    },
    /// `expect holders UNIT POSITION on DATE PERSON, …` / `… none`
    Holders {
        /// The unit.
        unit: Name,
        /// The position.
        position: Name,
        /// The day.
        on: DateLit,
        /// Exactly these people; empty for `none`.
        people: Vec<Name>,
        /// The whole expectation.
        #[serde(skip)]
        span: Span,
    },
    /// `expect approval SUBJECT ACTION PERIOD approved|unapproved [as of DATE]`
    Approval {
        /// The unit or matter.
        subject: Name,
        /// The action that needs approval.
        action: Name,
        /// The period as written.
        period: Name,
        /// `approved` (true) or `unapproved`.
        approved: bool,
        /// The date of assessment; the day after the period when absent.
        as_of: Option<DateLit>,
        /// The whole expectation.
        #[serde(skip)]
        span: Span,
    },
    /// `expect calendar SUBJECT [ACTION] PERIOD due DATE, …` / `… due none`
    Calendar {
        /// The unit or matter.
        subject: Name,
        /// The action, to look at one obligation only.
        action: Option<Name>,
        /// The period as written.
        period: Name,
        /// Exactly the due dates expected; empty for `none`.
        due: Vec<DateLit>,
        /// The whole expectation.
        #[serde(skip)]
        span: Span,
    },
    /// `expect warning KIND [CLAUSE]` / `expect no warnings`
    Warning {
        /// The kind (`never-matches` …); `None` for `no warnings`.
        kind: Option<Name>,
        /// The clause the warning is about.
        clause: Option<Name>,
        /// The whole expectation.
        #[serde(skip)]
        span: Span,
    },
}

/// Who an `expect who` expects to bear a duty.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "bearer", content = "name", rename_all = "snake_case")]
pub enum WhoBearerLit {
    /// `team` (the subject's, or any related unit's for a matter) or `team of UNIT`.
    Team(Option<Name>),
    /// `vacant`: a post nobody holds that day.
    Vacant,
    /// A person.
    Person(Name),
}

/// `DUTY [for SUBJECT]` in `expect duties`.
#[derive(Debug, Clone, Serialize)]
pub struct DutyItemLit {
    /// The duty.
    pub duty: Name,
    /// The unit or matter it is held for, when given.
    pub subject: Option<Name>,
}

/// How the decision behind a test incident was taken.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DecisionLit {
    /// `collective [of UNIT] { PERSON [objecting], … }`
    Collective {
        /// The deciding unit; the incident's when absent.
        unit: Option<Name>,
        /// The participants, each with whether they objected on record.
        participants: Vec<(Name, bool)>,
        /// Where it is written.
        #[serde(skip)]
        span: Span,
    },
    /// `decided by PERSON`: one leader alone.
    Individual {
        /// The leader.
        by: Name,
    },
}

/// One event of a test's `events` block.
#[derive(Debug, Clone, Serialize)]
pub struct EventLit {
    /// The day.
    pub date: DateLit,
    /// The time of day, `HH:MM:SS`, when given.
    pub time: Option<String>,
    /// The unit or matter.
    pub subject: Name,
    /// The action done or the event kind that occurred.
    pub what: Name,
    /// Who did it (`by PERSON`).
    pub person: Option<Name>,
    /// The recipients (`to A, B`); empty when not addressed.
    pub to: Vec<Name>,
    /// The period it reports for (`for 2019-Q1`), as written.
    pub for_period: Option<Name>,
    /// The whole event.
    #[serde(skip)]
    pub span: Span,
}

/// `ok`, `short`, `over`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffedLit {
    /// As many holders as needed.
    Ok,
    /// Fewer.
    Short,
    /// More.
    Over,
}

/// A compliance verdict as written in a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComplianceLit {
    /// `met`
    Met,
    /// `missed`
    Missed,
    /// `pending` (a period, or an event not yet answered)
    Pending,
    /// `not-assessed`
    NotAssessed,
    /// `on-time`
    OnTime,
    /// `late`
    Late,
    /// `overdue`
    Overdue,
    /// `not-stated`: the regulation states no frequency (`regularly`).
    NotStated,
    /// `answered`: answered, where the regulation states no time limit.
    Answered,
    /// `unanswered`: not answered, where the regulation states no time limit.
    Unanswered,
}

impl ComplianceLit {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            ComplianceLit::Met => "met",
            ComplianceLit::Missed => "missed",
            ComplianceLit::Pending => "pending",
            ComplianceLit::NotAssessed => "not-assessed",
            ComplianceLit::NotStated => "not-stated",
            ComplianceLit::Answered => "answered",
            ComplianceLit::Unanswered => "unanswered",
            ComplianceLit::OnTime => "on-time",
            ComplianceLit::Late => "late",
            ComplianceLit::Overdue => "overdue",
        }
    }
}

/// A staffing rule: how many holders of which positions a subject needs.
#[derive(Debug, Clone, Serialize)]
pub struct StaffingLit {
    /// The article.
    pub citation: Name,
    /// Who must be staffed.
    pub subject: SubjectLit,
    /// The needs.
    pub needs: Vec<NeedLit>,
}

/// `at least 1 宣传员`, `exactly 1 分管领导`, `at least 1 网络评论员 covering`.
#[derive(Debug, Clone, Serialize)]
pub struct NeedLit {
    /// Minimum.
    pub min: Option<u32>,
    /// Maximum.
    pub max: Option<u32>,
    /// The position.
    pub position: Name,
    /// Count people who cover the subject and hold the position anywhere,
    /// rather than holders of the position in the subject itself.
    pub covering: bool,
    /// The whole need.
    #[serde(skip)]
    pub span: Span,
}

/// Who an obligation binds.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "subject", content = "names", rename_all = "snake_case")]
pub enum SubjectLit {
    /// One unit.
    Unit(Name),
    /// Each unit of these kinds.
    EachUnit(Vec<Name>),
    /// Each matter of these kinds.
    EachMatter(Vec<Name>),
}

/// A calendar period.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum PeriodKind {
    /// A calendar year.
    Year,
    /// January–June or July–December.
    HalfYear,
    /// A calendar quarter.
    Quarter,
    /// A calendar month.
    Month,
    /// A week, Monday to Sunday.
    Week,
    /// A day.
    Day,
}

/// A deadline inside each period.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum DeadlineLit {
    /// `by MM-DD` (yearly obligations).
    MonthDay {
        /// Month.
        month: u32,
        /// Day.
        day: u32,
        /// Where written.
        #[serde(skip)]
        span: Span,
    },
    /// `by day N`: the N-th day of the period.
    DayOfPeriod {
        /// N.
        day: u32,
        /// Where written.
        #[serde(skip)]
        span: Span,
    },
}

/// How often, or in reaction to what.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "cadence", rename_all = "snake_case")]
pub enum CadenceLit {
    /// `at least N [and at most M] | exactly N | at most M per PERIOD [by …]`
    Periodic {
        /// Minimum count.
        min: Option<u32>,
        /// Maximum count.
        max: Option<u32>,
        /// The period.
        period: PeriodKind,
        /// A deadline inside the period.
        deadline: Option<DeadlineLit>,
        /// The count as written.
        #[serde(skip)]
        span: Span,
    },
    /// `within N days|hours of EVENT` / `same day of EVENT`
    Reactive {
        /// The allowed delay.
        within: u32,
        /// Whether `within` counts hours rather than days.
        hours: bool,
        /// The triggering event kind.
        event: Name,
    },
    /// `regularly` (定期, 经常, 不定期): the regulation states no count.
    Regularly {
        /// Where written.
        #[serde(skip)]
        span: Span,
    },
    /// `promptly of EVENT` (及时, 随时, 立即): the regulation states no time limit.
    Promptly {
        /// The triggering event kind.
        event: Name,
    },
}

/// How the recipients of an obligation must be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientMode {
    /// `to A, B` / `to all of A, B`: each must receive it.
    All,
    /// `to any of A, B`: one suffices.
    Any,
}

/// One recipient as written.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "to", content = "name", rename_all = "snake_case")]
pub enum RecipientLit {
    /// A unit.
    Unit(Name),
    /// `superior` (the subject unit's parent) or `superior KIND` (its nearest
    /// ancestor of that kind).
    Superior(Option<Name>, #[serde(skip)] Span),
}

/// `interpret "NAME" [for ACTION, …] { regularly as …  promptly as … }`
#[derive(Debug, Clone, Serialize)]
pub struct InterpretLit {
    /// Its name (本单位执行口径).
    pub name: Name,
    /// The actions whose obligations it reads; every unstated one when empty.
    pub actions: Vec<Name>,
    /// What `regularly` is taken to mean: a periodic cadence.
    pub regularly: Option<CadenceLit>,
    /// What `promptly` is taken to mean: `(within, hours)`.
    pub promptly: Option<(u32, bool)>,
    /// The whole declaration.
    #[serde(skip)]
    pub span: Span,
}

/// An approval chain: the steps the subject's action needs before it.
#[derive(Debug, Clone, Serialize)]
pub struct ApprovalLit {
    /// The article.
    pub citation: Name,
    /// Whose action.
    pub subject: SubjectLit,
    /// The action that needs approval (发布, 举办 …).
    pub action: Name,
    /// The steps, in order.
    pub steps: Vec<ApprovalStepLit>,
}

/// One step of an approval chain: `审批 by 主要领导`, `审批 by any of A, B`.
#[derive(Debug, Clone, Serialize)]
pub struct ApprovalStepLit {
    /// The action that approves.
    pub action: Name,
    /// Who may do it (units or posts); empty for anyone.
    pub by: Vec<Name>,
    /// `by any of`: written so when there are several.
    pub any: bool,
    /// The whole step.
    #[serde(skip)]
    pub span: Span,
}

/// An obligation.
#[derive(Debug, Clone, Serialize)]
pub struct ObligationLit {
    /// The article.
    pub citation: Name,
    /// `each POSITION, … of …`: owed by each holder of the posts, as a
    /// person; empty when owed by the subject itself.
    pub holders: Vec<Name>,
    /// Who is bound: the units (whose post's holders, with `holders`).
    pub subject: SubjectLit,
    /// What must be done.
    pub action: Name,
    /// To whom.
    pub recipients: Vec<RecipientLit>,
    /// Whether each recipient, or any one, must receive it.
    pub mode: RecipientMode,
    /// How often.
    pub cadence: CadenceLit,
}

/// A fact's value in a test incident.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum FactValueLit {
    /// One value.
    One(ValueLit),
    /// `{ A, B }`: the members given for a set-valued fact.
    Set(Vec<ValueLit>, #[serde(skip)] Span),
}

/// A fact's declared type.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", content = "of", rename_all = "snake_case")]
pub enum FactTypeLit {
    /// `one of { A, B }`
    Enum(Vec<Name>),
    /// `some of { A, B }`: any number of the members at once.
    Set(Vec<Name>),
    /// `scale NAME`
    Scale(Name),
    /// `bool`
    Bool,
    /// `number`
    Number,
    /// `date`
    Date,
}

/// A condition over an incident's facts.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Cond {
    /// All hold.
    And {
        /// The operands.
        all: Vec<Cond>,
    },
    /// One holds.
    Or {
        /// The operands.
        any: Vec<Cond>,
    },
    /// Does not hold.
    Not {
        /// The operand.
        not: Box<Cond>,
        /// The whole `not …`.
        #[serde(skip)]
        span: Span,
    },
    /// `FACT op VALUE`
    Compare {
        /// The fact.
        fact: Name,
        /// The comparison.
        cmp: CmpOp,
        /// The value.
        value: ValueLit,
        /// The whole comparison.
        #[serde(skip)]
        span: Span,
    },
    /// `FACT in { V, V }`
    In {
        /// The fact.
        fact: Name,
        /// The values.
        values: Vec<ValueLit>,
        /// The whole membership test.
        #[serde(skip)]
        span: Span,
    },
    /// A boolean fact on its own.
    Truthy {
        /// The fact.
        fact: Name,
    },
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum CmpOp {
    /// `=`
    #[serde(rename = "=")]
    Eq,
    /// `!=`
    #[serde(rename = "!=")]
    Ne,
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `<=`
    #[serde(rename = "<=")]
    Le,
    /// `>`
    #[serde(rename = ">")]
    Gt,
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A literal value in a condition.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ValueLit {
    /// A name: an enumeration member or a scale level.
    Name(Name),
    /// `true` / `false`
    Bool(bool, #[serde(skip)] Span),
    /// A number.
    Number(f64, #[serde(skip)] Span),
    /// A date.
    Date(DateLit),
}

impl ValueLit {
    /// Where the value was written.
    pub fn span(&self) -> Span {
        match self {
            ValueLit::Name(n) => n.span,
            ValueLit::Bool(_, s) | ValueLit::Number(_, s) => *s,
            ValueLit::Date(d) => d.span,
        }
    }
}

/// `triggers per "..." { clauses }`
#[derive(Debug, Clone, Serialize)]
pub struct TriggersBlock {
    /// The article, e.g. `第八条`.
    pub citation: Name,
    /// Who the list applies to (领导班子, 领导干部, 党组织 …), as the regulation says it.
    pub parties: Vec<Name>,
    /// Whom the list's clauses hold to account, unless a clause says otherwise.
    pub against: Vec<TargetLit>,
    /// The clauses, in order.
    pub clauses: Vec<ClauseLit>,
    /// The whole block.
    #[serde(skip)]
    pub span: Span,
}

/// One clause of a trigger list.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseLit {
    /// Its number as written: `(五)`, `5`; `None` where the article numbers
    /// no items.
    pub number: Option<Name>,
    /// The regulation's text.
    pub text: Name,
    /// The catch-all (`otherwise`, 其他…情形): a matter of judgement.
    pub catch_all: bool,
    /// Its condition: required for an ordinary clause, optional for the
    /// catch-all (`otherwise when COND`).
    pub when: Option<Cond>,
    /// Whom it holds to account; the list's `against` when empty.
    pub against: Vec<TargetLit>,
}

/// A duty or a post named by `against`.
#[derive(Debug, Clone, Serialize)]
pub struct TargetLit {
    /// The duty or position.
    pub name: Name,
    /// `covering`: only the post's holders who cover the incident's unit or matter.
    pub covering: bool,
}

/// `sanctions per "..." …`
#[derive(Debug, Clone, Serialize)]
pub struct SanctionsBlock {
    /// The article.
    pub citation: Name,
    /// Citations of the trigger lists it applies to; all when empty.
    pub lists: Vec<Name>,
    /// A menu, or grades by a scale fact.
    pub kind: SanctionsLit,
}

/// The two shapes of a sanctions article.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "shape", rename_all = "snake_case")]
pub enum SanctionsLit {
    /// A menu to choose from.
    Menu {
        /// The measures.
        measures: Vec<Name>,
    },
    /// Measures graded by the level of a scale fact.
    Graded {
        /// The fact whose level selects the grade.
        by: Name,
        /// `(level, measures)`.
        grades: Vec<(Name, Vec<Name>)>,
    },
}

/// `consequence per "..." "text" when COND` (or `aggravating`).
#[derive(Debug, Clone, Serialize)]
pub struct ConsequenceDecl {
    /// The article.
    pub citation: Name,
    /// `true` for an aggravating circumstance.
    pub aggravating: bool,
    /// What follows.
    pub text: Name,
    /// When.
    pub when: Cond,
    /// Whom it holds to account.
    pub against: Vec<TargetLit>,
}

/// `liability per "..." { main P, P bears D  others bears D  individual bears D }`
#[derive(Debug, Clone, Serialize)]
pub struct LiabilityBlock {
    /// The article.
    pub citation: Name,
    /// Positions of the main leader and the members directly in charge.
    pub main_positions: Vec<Name>,
    /// Their liability in a collective decision.
    pub main: Option<Name>,
    /// Other participants' liability.
    pub others: Option<Name>,
    /// The liability for a decision one leader took alone.
    pub individual: Option<Name>,
    /// The whole block.
    #[serde(skip)]
    pub span: Span,
}

/// `procedure per "..." [for "LIST", …] { STEP …  basis "…" }`
#[derive(Debug, Clone, Serialize)]
pub struct ProcedureBlock {
    /// The article.
    pub citation: Name,
    /// Citations of the trigger lists it applies to; all when empty.
    pub lists: Vec<Name>,
    /// The steps, in order.
    pub steps: Vec<ProcStepLit>,
    /// The laws or regulations the procedure follows (问责条例).
    pub basis: Vec<Name>,
}

/// `propose|decide|file|refer BODIES [jointly with BODIES [as needed]] [when COND]`
#[derive(Debug, Clone, Serialize)]
pub struct ProcStepLit {
    /// Which step.
    pub kind: crate::liability::StepKind,
    /// The bodies that take it.
    pub bodies: Vec<Name>,
    /// Bodies that take it jointly with them.
    pub jointly: Vec<Name>,
    /// `as needed` (必要时): the joint bodies join only where needed.
    pub as_needed: bool,
    /// Only when this holds (a grade, a fact).
    pub when: Option<Cond>,
    /// Where the condition is written.
    #[serde(skip)]
    pub when_span: Option<Span>,
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
    /// Date of issue (`issued`).
    pub issued: Option<DateLit>,
    /// Effective date.
    pub effective: Option<DateLit>,
    /// `effective on issue` (自发布之日起施行): in force from the date of
    /// issue; where it is written. Serialized as whether it is written.
    #[serde(serialize_with = "written")]
    pub effective_on_issue: Option<Span>,
    /// Documents the regulation is based on.
    pub basis: Vec<Name>,
    /// The whole header.
    #[serde(skip)]
    pub span: Span,
}

fn written<S: serde::Serializer>(at: &Option<Span>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_bool(at.is_some())
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
    /// `seat POS of U is POS2 of U2, … from D to D`: whoever holds a source
    /// post on a date holds the seat that day (兼任).
    Seat {
        /// The article that seats it (`seat per "第三条" …`).
        citation: Option<Name>,
        /// The seat's position.
        position: Name,
        /// The seat's unit.
        unit: Name,
        /// The posts that carry the seat: (position, unit).
        sources: Vec<(Name, Name)>,
        /// First day the seat is so held.
        from: Option<DateLit>,
        /// Last day.
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
