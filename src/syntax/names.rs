//! Parse errors in the policy author's words: every grammar rule has a
//! human name, and a pest error becomes one diagnostic that shows what was
//! found and what would have been accepted.

use super::Rule;
use crate::diag::{DiagKind, Diagnostic, Sources, Span};
use pest::error::{Error, ErrorVariant, InputLocation};

/// Words reserved by the language; a bare name may not be one of them.
/// Exactly the words of the grammar's `K_*` rules, sorted (a test checks).
pub(super) const KEYWORDS: &[&str] = &[
    "actions",
    "aggravating",
    "and",
    "applies",
    "approver",
    "assign",
    "at",
    "basis",
    "bears",
    "bool",
    "by",
    "consequence",
    "covering",
    "covers",
    "date",
    "day",
    "days",
    "decide",
    "duties",
    "each",
    "effective",
    "event",
    "exactly",
    "expect",
    "fact",
    "false",
    "file",
    "for",
    "from",
    "half-year",
    "holds",
    "host",
    "hour",
    "hours",
    "in",
    "in-charge",
    "incident",
    "individual",
    "issuer",
    "kind",
    "kinds",
    "least",
    "liability",
    "liaises",
    "main",
    "matter",
    "month",
    "most",
    "must",
    "needs",
    "no",
    "not",
    "number",
    "obligation",
    "of",
    "on",
    "one",
    "operator",
    "or",
    "org",
    "others",
    "otherwise",
    "per",
    "policy",
    "positions",
    "procedure",
    "propose",
    "quarter",
    "route",
    "same",
    "sanctions",
    "scale",
    "single",
    "staffing",
    "team",
    "test",
    "to",
    "triggers",
    "true",
    "under",
    "unit",
    "week",
    "when",
    "who",
    "within",
    "year",
];

/// The human name of a grammar rule. Exhaustive on purpose: a new rule
/// does not compile until it has a name.
pub(super) fn human(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::WHITESPACE => "whitespace",
        Rule::COMMENT => "a comment",
        Rule::file => "a policy file",
        Rule::next_item => "a declaration or the end of the file",
        Rule::org_rest => "the rest of an `org` block",
        Rule::item => "a declaration",
        Rule::starter => "a declaration keyword",
        Rule::ident_char => "a name character",
        Rule::ident => "a name",
        Rule::string => "a quoted text",
        Rule::str_ascii | Rule::str_cjk => "text",
        Rule::name => "a name",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::name_list => "a list of names",
        Rule::comma => "`,`",
        Rule::date => "a date (YYYY-MM-DD)",
        Rule::policy_header => "a policy header",
        Rule::header_field => "`issuer`, `number`, `effective` or `basis`",
        Rule::issuer => "`issuer \"...\"`",
        Rule::doc_number => "`number \"...\"`",
        Rule::effective => "`effective YYYY-MM-DD`",
        Rule::basis => "`basis \"...\"`",
        Rule::duties_decl => "a `duties` declaration",
        Rule::unit_kinds_decl => "`unit kinds`",
        Rule::matter_kinds_decl => "`matter kinds`",
        Rule::positions_decl => "a `positions` declaration",
        Rule::position => "a position",
        Rule::single => "`single`",
        Rule::org_block => "an `org` block",
        Rule::org_stmt => "an org statement",
        Rule::unit_stmt => "`unit NAME kind KIND`",
        Rule::matter_stmt => "`matter NAME kind KIND`",
        Rule::route_stmt => "`route KIND ...`",
        Rule::person_stmt => "`PERSON holds …` or `PERSON covers …`",
        Rule::holds_tail => "`holds POSITION of UNIT`",
        Rule::covers_tail => "`covers UNIT`",
        Rule::cover_verb => "`covers` or `liaises`",
        Rule::interval => "`from DATE` or `to DATE`",
        Rule::relation => "a relation (`in-charge`, `operator`, `host`, `approver`)",
        Rule::relation_kw => "`in-charge`, `operator`, `host` or `approver`",
        Rule::assign_block => "an `assign` block",
        Rule::citation => "a citation (`per \"第三条\"`)",
        Rule::scope => "a scope",
        Rule::scope_each_unit => "`in each KIND`",
        Rule::scope_unit => "`in UNIT`",
        Rule::scope_each_matter => "`for each matter KIND`",
        Rule::scope_matter => "`for matter NAME`",
        Rule::assign_item => "a rule (`BEARER bears DUTY`)",
        Rule::bearer => "a bearer",
        Rule::team_bearer => "`team`",
        Rule::position_bearer => "a position",
        Rule::covering => "`covering`",
        Rule::anchor => "a unit or relation",
        Rule::lt => "`<`",
        Rule::scale_decl => "a `scale` declaration",
        Rule::fact_decl => "a `fact` declaration",
        Rule::fact_type => "a fact type (`one of { … }`, `scale NAME`, `bool`, `number`, `date`)",
        Rule::enum_type => "`one of { … }`",
        Rule::scale_type => "`scale NAME`",
        Rule::bool_type => "`bool`",
        Rule::number_type => "`number`",
        Rule::date_type => "`date`",
        Rule::cond => "a condition",
        Rule::infix => "`and` or `or`",
        Rule::op_and => "`and`",
        Rule::op_or => "`or`",
        Rule::prefix => "`not`",
        Rule::op_not => "`not`",
        Rule::primary => "a comparison, a fact or `(`",
        Rule::paren => "`(`",
        Rule::comparison => "a comparison (`FACT >= VALUE`)",
        Rule::cmp_op => "a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`)",
        Rule::membership => "`FACT in { … }`",
        Rule::fact_ref => "a fact",
        Rule::value => "a value",
        Rule::number_lit => "a number",
        Rule::bool_lit => "`true` or `false`",
        Rule::triggers_block => "a `triggers` list",
        Rule::parties => "`applies to …`",
        Rule::clause => "a clause (`(一) \"text\" when …`)",
        Rule::clause_no => "a clause number (`(一)`, `1`)",
        Rule::when_cond => "`when CONDITION`",
        Rule::otherwise => "`otherwise`",
        Rule::sanctions_block => "a `sanctions` article",
        Rule::for_lists => "`for \"第八条\"`",
        Rule::menu => "a menu (`{ 提醒, 批评教育 }`)",
        Rule::graded => "`by FACT { LEVEL: measures }`",
        Rule::grade => "`LEVEL: measures`",
        Rule::colon => "`:`",
        Rule::consequence_decl => "a `consequence` or `aggravating` article",
        Rule::consequence_kw => "`consequence`, `aggravating`",
        Rule::liability_block => "a `liability` article",
        Rule::liability_item => "`main …`, `others …` or `individual …`",
        Rule::liab_main => "`main POSITIONS bears DUTY`",
        Rule::liab_others => "`others bears DUTY`",
        Rule::liab_individual => "`individual bears DUTY`",
        Rule::procedure_block => "a `procedure` article",
        Rule::procedure_item => "`propose …`, `decide …` or `file …`",
        Rule::procedure_kw => "`propose`, `decide` or `file`",
        Rule::K_scale => "`scale`",
        Rule::K_fact => "`fact`",
        Rule::K_one => "`one`",
        Rule::K_bool => "`bool`",
        Rule::K_date => "`date`",
        Rule::K_and => "`and`",
        Rule::K_or => "`or`",
        Rule::K_not => "`not`",
        Rule::K_true => "`true`",
        Rule::K_false => "`false`",
        Rule::K_triggers => "`triggers`",
        Rule::K_applies => "`applies`",
        Rule::K_when => "`when`",
        Rule::K_otherwise => "`otherwise`",
        Rule::K_sanctions => "`sanctions`",
        Rule::K_by => "`by`",
        Rule::K_consequence => "`consequence`",
        Rule::K_aggravating => "`aggravating`",
        Rule::K_liability => "`liability`",
        Rule::K_main => "`main`",
        Rule::K_others => "`others`",
        Rule::K_individual => "`individual`",
        Rule::K_procedure => "`procedure`",
        Rule::K_propose => "`propose`",
        Rule::K_decide => "`decide`",
        Rule::K_file => "`file`",
        Rule::actions_decl => "an `actions` declaration",
        Rule::event_kinds_decl => "`event kinds`",
        Rule::obligation => "an `obligation`",
        Rule::subject => "a subject (`UNIT`, `each KIND`, `each matter KIND`)",
        Rule::subj_each_matter => "`each matter KIND`",
        Rule::subj_each => "`each KIND`",
        Rule::subj_unit => "a unit",
        Rule::recipients => "`to UNIT, …`",
        Rule::cadence => "a cadence (`at least 2 per year`)",
        Rule::count => "`at least N`, `at most N` or `exactly N`",
        Rule::at_least => "`at least N`",
        Rule::at_most => "`at most N`",
        Rule::exactly => "`exactly N`",
        Rule::count_num => "a count (digits)",
        Rule::period => "a period (`year`, `half-year`, `quarter`, `month`, `week`, `day`)",
        Rule::deadline => "a deadline (`by 06-30`, `by day 15`)",
        Rule::month_day => "a month and day (`06-30`)",
        Rule::day_of_period => "`day N`",
        Rule::reactive => "`within N days of EVENT` or `same day of EVENT`",
        Rule::within => "`within N days`",
        Rule::duration_unit => "`days` or `hours`",
        Rule::same_day => "`same day`",
        Rule::K_actions => "`actions`",
        Rule::K_event => "`event`",
        Rule::K_obligation => "`obligation`",
        Rule::K_must => "`must`",
        Rule::K_at => "`at`",
        Rule::K_least => "`least`",
        Rule::K_most => "`most`",
        Rule::K_exactly => "`exactly`",
        Rule::K_half_year => "`half-year`",
        Rule::K_year => "`year`",
        Rule::K_quarter => "`quarter`",
        Rule::K_month => "`month`",
        Rule::K_week => "`week`",
        Rule::K_day => "`day`",
        Rule::K_days => "`days`",
        Rule::K_hour => "`hour`",
        Rule::K_hours => "`hours`",
        Rule::K_within => "`within`",
        Rule::K_same => "`same`",
        Rule::staffing_decl => "a `staffing` rule",
        Rule::staff_need => "a need (`at least 1 POSITION [covering]`)",
        Rule::K_staffing => "`staffing`",
        Rule::K_needs => "`needs`",
        Rule::test_block => "a `test` block",
        Rule::test_step => "`incident DATE { … }` or `expect …`",
        Rule::test_incident => "`incident DATE { FACT = VALUE, … }`",
        Rule::fact_value => "`FACT = VALUE`",
        Rule::expect_triggers => "`expect triggers CLAUSE, …` or `expect no triggers`",
        Rule::no_triggers => "`no triggers`",
        Rule::clause_ref => "a clause (`(五)` or \"第八条(五)\")",
        Rule::expect_who => "`expect who UNIT on DATE DUTY PERSON`",
        Rule::who_bearer => "a person or `team`",
        Rule::K_test => "`test`",
        Rule::K_incident => "`incident`",
        Rule::K_expect => "`expect`",
        Rule::K_no => "`no`",
        Rule::K_who => "`who`",
        Rule::K_on => "`on`",
        Rule::K_policy => "`policy`",
        Rule::K_issuer => "`issuer`",
        Rule::K_number => "`number`",
        Rule::K_effective => "`effective`",
        Rule::K_basis => "`basis`",
        Rule::K_duties => "`duties`",
        Rule::K_unit => "`unit`",
        Rule::K_kinds => "`kinds`",
        Rule::K_kind => "`kind`",
        Rule::K_matter => "`matter`",
        Rule::K_positions => "`positions`",
        Rule::K_single => "`single`",
        Rule::K_org => "`org`",
        Rule::K_under => "`under`",
        Rule::K_holds => "`holds`",
        Rule::K_of => "`of`",
        Rule::K_from => "`from`",
        Rule::K_to => "`to`",
        Rule::K_covers => "`covers`",
        Rule::K_liaises => "`liaises`",
        Rule::K_route => "`route`",
        Rule::K_in_charge => "`in-charge`",
        Rule::K_operator => "`operator`",
        Rule::K_host => "`host`",
        Rule::K_approver => "`approver`",
        Rule::K_assign => "`assign`",
        Rule::K_per => "`per`",
        Rule::K_in => "`in`",
        Rule::K_each => "`each`",
        Rule::K_for => "`for`",
        Rule::K_team => "`team`",
        Rule::K_bears => "`bears`",
        Rule::K_covering => "`covering`",
    }
}

/// The text at `pos`: one word, one quoted text or one character.
fn found_at(text: &str, pos: usize) -> (usize, String) {
    let rest = text.get(pos..).unwrap_or("");
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else {
        return (0, "end of file".to_string());
    };
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let len = if is_word(first) {
        rest.char_indices()
            .find(|(_, c)| !is_word(*c))
            .map(|(i, _)| i)
            .unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    let word = rest.get(..len).unwrap_or("");
    (len, format!("`{word}`"))
}

/// Where a pest error happened, in the text that was parsed.
pub(super) fn error_pos(err: &Error<Rule>) -> usize {
    match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
}

/// A pest error at byte `pos` of the file's `text`, as a diagnostic.
pub(super) fn describe(
    sources: &Sources,
    file: u32,
    text: &str,
    pos: usize,
    err: &Error<Rule>,
) -> Diagnostic {
    let (len, found) = found_at(text, pos);
    let (message, help) = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut wanted: Vec<&str> = positives
                .iter()
                .filter(|r| !matches!(r, Rule::WHITESPACE | Rule::COMMENT))
                .map(|r| human(*r))
                .collect();
            wanted.sort_unstable();
            wanted.dedup();
            let help = match wanted.as_slice() {
                [] => None,
                [one] => Some(format!("expected {one}")),
                many => Some(format!("expected one of: {}", many.join(", "))),
            };
            (format!("unexpected {found}"), help)
        }
        ErrorVariant::CustomError { message } => (message.clone(), None),
    };
    let word = found.trim_matches('`');
    let help = help.map(|h| {
        if text.get(..pos).is_some_and(|t| t.trim().is_empty()) && !found.is_ascii() {
            format!("{h}; this does not look like a zeren policy file (it starts with prose)")
        } else if KEYWORDS.contains(&word)
            && h.contains("a name")
            && text
                .get(..pos)
                .is_some_and(|t| t.rsplit('\n').next().is_some_and(|l| l.trim().is_empty()))
        {
            format!("{h}; the statement before `{word}` ends too early")
        } else if KEYWORDS.contains(&word) && h.contains("a name") {
            format!("{h}; `{word}` is a keyword: to use it as a name, quote it: \"{word}\"")
        } else {
            h
        }
    });
    sources.diag_span(
        DiagKind::Syntax,
        Span::new(file, pos, pos + len),
        message,
        help,
    )
}
