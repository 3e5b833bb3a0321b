"""Words for the benchmark's synthetic trackers: themes, concerns, measures and actions.

Everything here is plain data. The texts follow the domain notes (medicines audits, care
planning, staffing governance, ...) so generated files look and parse like real ones: the
same key order, list lengths, text lengths and YAML flow/block styles as the hand-written
example trackers. Statement ids are from the SAF quality statements, regulations from the
fundamental standards, and evidence kinds from cqctrack's own catalogue, so every file is
valid against the models and the cross-file rules.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConcernText:
    title: str
    source: str
    summary: str
    source_ref: str | None = None


@dataclass(frozen=True)
class MeasureText:
    title: str
    unit: str
    direction: str
    target: float
    sustain: int
    start: float  # the first reading; readings move towards the target from here


@dataclass(frozen=True)
class ActionText:
    title: str
    detail: str
    requirements: tuple[tuple[str, tuple[str, ...]], ...]  # (description, accepted kinds)
    outcome: str


@dataclass(frozen=True)
class Theme:
    slug: str
    code: str  # id prefix stem, e.g. MED -> MED12
    name: str
    statements: tuple[str, ...]
    regulations: tuple[str, ...]
    concerns: tuple[ConcernText, ...]
    measures: tuple[MeasureText, ...]
    actions: tuple[ActionText, ...]


# Evidence kinds by CQC evidence category (mirrors src/cqctrack/data/cqc.yaml), used when a
# requirement accepts a whole category and the evidence entry must name one kind in it.
KINDS_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "peoples-experience": ("people-feedback", "survey", "complaint-record"),
    "feedback-from-staff-and-leaders": ("staff-feedback", "supervision-record"),
    "feedback-from-partners": ("partner-feedback", "commissioner-report"),
    "observation": ("practice-observation", "competency-assessment", "spot-check"),
    "processes": ("audit", "care-record", "training-record", "policy", "briefing-log"),
    "outcomes": ("audit-results", "incident-analysis", "outcome-data"),
}

DOCUMENT_PREFIX = {
    "audit": "QMS-AUD",
    "audit-results": "QMS-AUD",
    "care-record": "CARE",
    "medicines-record": "EMAR",
    "training-record": "LMS",
    "supervision-record": "HR-SUP",
    "competency-assessment": "HR-COMP",
    "practice-observation": "QMS-OBS",
    "spot-check": "QMS-SPOT",
    "policy": "POL",
    "briefing-log": "COMMS",
    "team-meeting-minutes": "MTG",
    "governance-minutes": "GOV",
    "rota": "ROTA",
    "risk-assessment": "RA",
    "people-feedback": "FB",
    "survey": "SURV",
    "complaint-record": "CMP",
    "staff-feedback": "STAFF-FB",
    "partner-feedback": "PARTNER",
    "commissioner-report": "COMM",
    "incident-analysis": "INC",
    "outcome-data": "OUT",
}

SERVICE_TYPES = (
    "homecare",
    "homecare",
    "supported-living",
    "residential",
    "residential",
    "nursing",
    "extra-care",
    "day-service",
)

PLACES = (
    "riverside", "oakwood", "meadowbank", "willow-court", "elm-house", "beechfield",
    "ashgrove", "highcroft", "larkspur", "brookside", "cedar-lodge", "fernlea",
    "hollybank", "kingsmead", "lime-tree", "millbrook", "northgate", "orchard-view",
    "parkside", "queensway", "rosewood", "southfield", "thornbury", "valley-view",
    "westbrook",
)  # fmt: skip

TOWNS = (
    "leeds", "bradford", "york", "hull", "sheffield", "derby", "leicester", "nottingham",
    "lincoln", "preston", "bolton", "wigan", "stockport", "chester", "crewe", "stafford",
    "worcester", "hereford", "gloucester", "swindon",
)  # fmt: skip

FIRST_NAMES = (
    "Aisha", "Amir", "Anna", "Ben", "Bola", "Chloe", "Daniel", "Deepa", "Ellie", "Emeka",
    "Fatima", "Grace", "Hannah", "Imran", "Jo", "Kate", "Kwame", "Laura", "Leon", "Maria",
    "Meera", "Mohammed", "Nadia", "Niamh", "Oliver", "Priya", "Rachel", "Rhys", "Sam",
    "Sara", "Tom", "Tunde", "Una", "Vikram", "Wendy", "Yusuf", "Zoe", "Gareth", "Siobhan",
    "Callum",
)  # fmt: skip

SURNAMES = (
    "Patel", "Okafor", "Reed", "Smith", "Jones", "Khan", "Williams", "Brown", "Taylor",
    "Davies", "Evans", "Wilson", "Thomas", "Roberts", "Hussain", "Ali", "Walker", "Wright",
    "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris",
    "Lewis", "Martin", "Jackson", "Clarke", "Clark", "Turner", "Hill", "Scott", "Cooper",
    "Morris", "Ward", "Moore", "King", "Mensah", "Kaur", "Begum", "Nowak", "Murphy",
)  # fmt: skip

LEAD_ROLES = ("care-coordinator", "team-leader", "training-lead", "medicines-lead")

PROGRESS_NOTES = (
    "Started with the staff on the highest-risk rounds; half complete.",
    "Discussed at handover; two staff still to be seen this week.",
    "Waiting for the pharmacy to confirm the new stock check sheet.",
    "Draft shared with the team leader for comments before sign-off.",
    "Completed for the day shift; night staff booked for next Tuesday.",
    "Sample of records checked; three needed correcting and were fixed.",
    "Training booked with the external provider for the end of the month.",
    "Family contacted and agreed the revised approach at the review meeting.",
    "Rota changes agreed with the deputy manager and live from Monday.",
    "Delayed by sickness in the team; back on plan from next week.",
)

REVIEW_NOTES = {
    "on-track": (
        "Progress checked against the plan; on track for the due date.",
        "Evidence so far looks sound; keep going and bring the audit next week.",
        "Spoke with the owner; actions are under way and the risk is controlled.",
        "Sampled two records; both reflect the change. On track.",
    ),
    "challenge": (
        "Evidence does not yet show a change in practice; asked for observation records.",
        "Due date is close and nothing has been uploaded; owner to update by Friday.",
        "Audit sample too small to show improvement; repeat with twenty records.",
    ),
    "escalate": (
        "Overdue with no credible plan; escalated to the nominated individual.",
        "Repeated extension requests; escalated to provider oversight.",
    ),
    "approve-closure": (
        "Evidence reviewed and meets every requirement; closure approved.",
        "Re-audit and observations confirm the change; approve closure.",
    ),
}

EXTENSION_REASONS = (
    "Training provider cancelled the booked session; next available date.",
    "Staff sickness across the team delayed the competency checks.",
    "Waiting for the pharmacy to supply the new recording sheets.",
    "Re-audit needs a full month of records to be meaningful.",
    "Care plan reviews need family attendance; meetings rebooked.",
    "Agency cover meant supervisions could not be completed on time.",
)

EVIDENCE_SUMMARIES = {
    "audit": "Audit of {n} records; {p}% complete against the standard.",
    "audit-results": "Monthly audit results for the last three months, trending up to {p}%.",
    "care-record": "Updated care plans for {n} people, each signed and dated by the key worker.",
    "medicines-record": "MAR charts for the period checked; {n} entries all signed.",
    "training-record": "Training completion report: {n} of {n} staff completed the module.",
    "supervision-record": "Supervision notes for {n} staff discussing the errors and learning.",
    "competency-assessment": "Observed competency assessments for {n} staff, all passed.",
    "practice-observation": "Observation of practice on {n} visits; guidance followed.",
    "spot-check": "Unannounced spot checks on {n} shifts; no omissions found.",
    "policy": "Revised procedure approved at the governance meeting and issued to staff.",
    "briefing-log": "Briefing log signed by {n} staff across day and night shifts.",
    "team-meeting-minutes": "Team meeting minutes recording the change and staff questions.",
    "governance-minutes": "Provider oversight minutes reviewing the trend and decisions.",
    "rota": "Revised rota showing a senior on every shift for the next four weeks.",
    "risk-assessment": "Updated risk assessments for {n} people reviewed with families.",
    "people-feedback": "Feedback from {n} people and relatives on the changed approach.",
    "survey": "Survey of people using the service; {p}% positive about the change.",
    "complaint-record": "Complaint response and learning shared with the complainant.",
    "staff-feedback": "Staff feedback from {n} team members on the new process.",
    "partner-feedback": "Feedback from the district nurse team on the improvement.",
    "commissioner-report": "Commissioner monitoring visit report noting the improvement.",
    "incident-analysis": "Incident trend analysis: {n} incidents this quarter, down from last.",
    "outcome-data": "Outcome data for the quarter showing the target was met.",
}

CLOSURE_OUTCOMES = (
    "Re-audit at {p}% and supervision complete; change sustained.",
    "Evidence shows the new practice embedded across all shifts.",
    "Observations and records confirm the change; no repeat issues in the period.",
    "Target met in the latest audit and staff can explain the new process.",
)

CANCELLATION_REASONS = (
    "Superseded by a provider-wide action covering the same risk.",
    "Service model changed; the action no longer applies.",
    "Merged into another action for the same concern to avoid duplication.",
)

# --- themes ---------------------------------------------------------------------------

MEDICINES = Theme(
    slug="medicines",
    code="MED",
    name="Medicines",
    statements=("S8", "WL5", "S1"),
    regulations=("12", "17"),
    concerns=(
        ConcernText(
            "Gaps in medicines records",
            "internal-audit",
            "Missing signatures and unclear refusal recording on MAR charts.",
            "Medicines audit, monthly cycle",
        ),
        ConcernText(
            "Time-critical medicines given late",
            "incident",
            "Three incidents where Parkinson's medicines were given over an hour late.",
        ),
        ConcernText(
            "PRN protocols missing or out of date",
            "inspection-feedback",
            "Inspectors found as-needed medicines without current protocols for several people.",
            "CQC inspection feedback",
        ),
        ConcernText(
            "Controlled drugs register discrepancies",
            "internal-audit",
            "Running balances in the controlled drugs register did not match stock.",
        ),
        ConcernText(
            "Refusals of medicines not escalated",
            "safeguarding-review",
            "Repeated refusals were recorded but not reported to the GP or family.",
        ),
    ),
    measures=(
        MeasureText("Complete medicines records", "percent", "at-least", 95, 3, 78),
        MeasureText("Time-critical doses given on time", "percent", "at-least", 98, 3, 85),
        MeasureText("MAR errors per 1,000 administrations", "rate", "at-most", 2, 2, 7.5),
    ),
    actions=(
        ActionText(
            "Competency checks for staff with repeated MAR errors",
            "Observe each staff member with two or more errors in the last quarter.",
            (
                (
                    "Observed competency assessment for each staff member with repeat errors",
                    ("competency-assessment", "observation"),
                ),
                ("Supervision record discussing the errors", ("supervision-record",)),
            ),
            "No repeat omissions by the same staff member for three months.",
        ),
        ActionText(
            "Re-audit MAR charts after supervision",
            "Full audit of every MAR chart for the month after supervisions.",
            (("Re-audit showing at least 95% complete records", ("audit", "audit-results")),),
            "Complete records sustained for three monthly audits.",
        ),
        ActionText(
            "Update PRN protocols for everyone prescribed as-needed medicines",
            "Each protocol to state the signs, the maximum dose and when to call the GP.",
            (
                ("Current PRN protocol in each care record", ("care-record",)),
                ("Audit of PRN protocols against the prescriptions", ("audit",)),
            ),
            "Every as-needed medicine has a current, person-centred protocol.",
        ),
        ActionText(
            "Brief staff on recording refusals and escalating to the GP",
            "Cover what counts as a refusal, how to record it and who to tell.",
            (("Briefing log signed by staff on every shift", ("briefing-log", "processes")),),
            "Refusals recorded and escalated the same day in every case sampled.",
        ),
        ActionText(
            "Introduce weekly controlled drugs stock checks",
            "Two staff count and sign every Sunday; discrepancies reported the same day.",
            (
                ("Signed weekly stock checks for four weeks", ("medicines-record", "audit")),
                ("Revised controlled drugs procedure", ("policy",)),
            ),
            "Running balances match stock at every weekly check.",
        ),
        ActionText(
            "Add time-critical medicine alerts to the eMAR",
            "Flag Parkinson's, insulin and anticonvulsant doses with a 30-minute window.",
            (("Screenshot or report of alerts configured", ("medicines-record",)),),
            "No time-critical dose given outside its window for two months.",
        ),
    ),
)

CARE_PLANNING = Theme(
    slug="care-planning",
    code="CPL",
    name="Care planning",
    statements=("E1", "R1", "C2", "S4"),
    regulations=("9", "12", "17"),
    concerns=(
        ConcernText(
            "Care plans not updated after changes",
            "internal-audit",
            "Plans were not updated after changes in behaviour, health or family feedback.",
        ),
        ConcernText(
            "Risk assessments missing for falls",
            "incident",
            "Two falls where the person had no current falls risk assessment.",
        ),
        ConcernText(
            "People not involved in reviews",
            "complaint",
            "Relatives said reviews happened without the person or their representative.",
        ),
        ConcernText(
            "Daily notes do not match guidance",
            "provider-review",
            "Daily notes showed staff following routines the plans no longer describe.",
        ),
        ConcernText(
            "Mental capacity assessments not decision-specific",
            "inspection-feedback",
            "Capacity assessments were generic rather than about each decision.",
            "CQC inspection feedback",
        ),
    ),
    measures=(
        MeasureText(
            "High-risk changes reflected within five days", "percent", "at-least", 100, 3, 70
        ),
        MeasureText("Reviews with the person involved", "percent", "at-least", 90, 3, 60),
        MeasureText("Days from change to plan update", "days", "at-most", 5, 2, 14),
    ),
    actions=(
        ActionText(
            "Review care plans after every change in need",
            "Key workers review the plan within five working days of any change.",
            (
                ("Updated care plan for each person with a recorded change", ("care-record",)),
                ("Sample audit comparing plans with daily notes", ("audit",)),
            ),
            "Plans match current needs in every sampled record.",
        ),
        ActionText(
            "Brief staff on revised support guidance at handover",
            "Team leaders brief each shift and record who attended.",
            (("Handover briefing log with staff signatures", ("briefing-log",)),),
            "Staff can describe the current guidance when asked.",
        ),
        ActionText(
            "Complete falls risk assessments for everyone at risk",
            "Use the falls tool for everyone with a fall in the last year.",
            (
                ("Falls risk assessment in each record", ("risk-assessment", "care-record")),
                ("Observation of moving and handling practice", ("observation",)),
            ),
            "No falls without a current risk assessment in the next quarter.",
        ),
        ActionText(
            "Involve people and families in care plan reviews",
            "Invite the person and their representative and record their views.",
            (
                ("Review records showing who took part", ("care-record",)),
                ("Feedback from people and relatives", ("peoples-experience",)),
            ),
            "People say they were involved in deciding their care.",
        ),
        ActionText(
            "Redo capacity assessments decision by decision",
            "Replace generic assessments with one per decision, with best-interest records.",
            (("Decision-specific capacity assessments", ("care-record",)),),
            "Every restriction has a decision-specific assessment on file.",
        ),
        ActionText(
            "Monthly sampling of care plans by the registered manager",
            "Sample five plans a month and compare with notes and incidents.",
            (("Sampling record with findings and follow-up", ("audit", "audit-results")),),
            "Sampling finds no mismatches for three months in a row.",
        ),
    ),
)

STAFFING = Theme(
    slug="staffing",
    code="STF",
    name="Staffing",
    statements=("S6", "WL2", "WL5", "C5"),
    regulations=("18", "17", "19"),
    concerns=(
        ConcernText(
            "Staffing actions not followed through",
            "internal-audit",
            "Actions from supervision and dependency reviews were not consistently completed.",
        ),
        ConcernText(
            "Supervision overdue for many staff",
            "provider-review",
            "A third of staff had no supervision in the last three months.",
        ),
        ConcernText(
            "High agency use on nights",
            "staff-feedback",
            "Night shifts relied on agency staff unfamiliar with people's needs.",
        ),
        ConcernText(
            "Recruitment checks incomplete",
            "inspection-feedback",
            "Some files lacked full employment history or references.",
            "CQC inspection feedback",
        ),
        ConcernText(
            "Mandatory training out of date",
            "commissioner-monitoring",
            "Commissioner visit found training compliance below the contract level.",
        ),
    ),
    measures=(
        MeasureText("Staff with supervision in the last 8 weeks", "percent", "at-least", 90, 3, 55),
        MeasureText("Mandatory training compliance", "percent", "at-least", 95, 3, 72),
        MeasureText("Agency shifts per month", "count", "at-most", 10, 2, 46),
    ),
    actions=(
        ActionText(
            "Assign a named lead to every workforce action",
            "Each action in the workforce log gets a named lead and evidence agreed.",
            (("Workforce action log with named leads", ("governance-minutes", "processes")),),
            "All staffing actions completed or escalated within agreed timescales.",
        ),
        ActionText(
            "Clear the supervision backlog",
            "Book supervision for everyone overdue and keep a tracker of dates.",
            (
                ("Supervision records for every overdue staff member", ("supervision-record",)),
                ("Staff feedback on supervision quality", ("staff-feedback",)),
            ),
            "Every staff member supervised within the last eight weeks.",
        ),
        ActionText(
            "Revise night rota to reduce agency use",
            "Recruit two permanent night staff and pair agency staff with regulars.",
            (("Revised rota for four weeks", ("rota",)),),
            "Agency shifts on nights below ten a month.",
        ),
        ActionText(
            "Audit recruitment files against Schedule 3",
            "Check every file for history, references, DBS and right to work.",
            (
                ("Recruitment file audit", ("audit",)),
                ("Risk assessment for any gap found", ("risk-assessment",)),
            ),
            "Every file holds the full set of checks.",
        ),
        ActionText(
            "Book overdue mandatory training",
            "Prioritise moving and handling, safeguarding and medicines.",
            (("Training completion report", ("training-record",)),),
            "Training compliance at or above 95% for three months.",
        ),
        ActionText(
            "Increase management presence on weekend shifts",
            "A senior on call and on site for part of every weekend.",
            (
                ("Rota showing senior cover", ("rota",)),
                ("Spot checks on weekend shifts", ("spot-check", "observation")),
            ),
            "Staff report clear responsibilities on every shift.",
        ),
    ),
)

SAFEGUARDING = Theme(
    slug="safeguarding",
    code="SAF",
    name="Safeguarding",
    statements=("S3", "S1", "WL3"),
    regulations=("13", "12", "20"),
    concerns=(
        ConcernText(
            "Safeguarding referrals made late",
            "safeguarding-review",
            "Two concerns were referred to the local authority more than a day late.",
        ),
        ConcernText(
            "Learning from incidents not shared",
            "internal-audit",
            "Incident reviews identified learning that never reached the staff team.",
        ),
        ConcernText(
            "Restrictive practice not recorded",
            "inspection-feedback",
            "Use of door sensors was not recorded as restrictive practice.",
            "CQC inspection feedback",
        ),
        ConcernText(
            "Duty of candour letters not sent",
            "provider-review",
            "Notifiable incidents had no written duty of candour follow-up.",
        ),
    ),
    measures=(
        MeasureText("Referrals made within 24 hours", "percent", "at-least", 100, 3, 80),
        MeasureText("Incidents with learning shared in a month", "percent", "at-least", 90, 2, 50),
    ),
    actions=(
        ActionText(
            "Refresh safeguarding training for all staff",
            "Face-to-face session with scenario practice on when to refer.",
            (("Training record for all staff", ("training-record",)),),
            "Staff can describe when and how to raise a concern.",
        ),
        ActionText(
            "Introduce a referral log checked daily",
            "The manager on duty checks the log each morning for open concerns.",
            (
                ("Referral log with daily checks", ("processes",)),
                ("Audit of referral times", ("audit", "audit-results")),
            ),
            "Every referral made within 24 hours.",
        ),
        ActionText(
            "Share incident learning at team meetings",
            "A standing item on every team meeting agenda.",
            (("Team meeting minutes showing learning shared", ("team-meeting-minutes",)),),
            "Staff can describe recent learning from incidents.",
        ),
        ActionText(
            "Record restrictive practices and review them monthly",
            "List every restriction with its legal basis and review date.",
            (
                ("Restrictive practice register", ("care-record", "processes")),
                ("Monthly review minutes", ("governance-minutes",)),
            ),
            "Every restriction recorded, lawful and reviewed.",
        ),
        ActionText(
            "Send duty of candour letters for notifiable incidents",
            "Write to the person or family within ten days with an apology and findings.",
            (("Copies of letters sent", ("processes",)),),
            "Every notifiable incident has a timely written follow-up.",
        ),
    ),
)

INFECTION_CONTROL = Theme(
    slug="infection-control",
    code="IPC",
    name="Infection prevention and control",
    statements=("S7", "S5"),
    regulations=("12", "15"),
    concerns=(
        ConcernText(
            "Cleaning schedules not completed",
            "internal-audit",
            "Cleaning records had gaps on most weekends.",
        ),
        ConcernText(
            "PPE not used correctly",
            "commissioner-monitoring",
            "Staff observed wearing gloves between rooms.",
        ),
        ConcernText(
            "Equipment checks overdue",
            "provider-review",
            "Hoist and sling checks were past their due dates.",
        ),
    ),
    measures=(
        MeasureText("Cleaning schedule completion", "percent", "at-least", 98, 3, 82),
        MeasureText("IPC audit score", "percent", "at-least", 90, 2, 71),
    ),
    actions=(
        ActionText(
            "Weekend cleaning schedule sign-off by the senior on shift",
            "The senior checks and signs the schedule before handover.",
            (("Signed cleaning schedules for four weekends", ("processes",)),),
            "No gaps in cleaning records for three months.",
        ),
        ActionText(
            "PPE observations on every shift for a month",
            "Team leaders observe donning and doffing and give feedback.",
            (
                ("Observation records", ("practice-observation", "spot-check")),
                ("Briefing log on PPE use", ("briefing-log",)),
            ),
            "Observed PPE use is correct in every check.",
        ),
        ActionText(
            "Bring hoist and sling checks up to date",
            "Book the engineer and set reminders for the next checks.",
            (("Service certificates", ("processes",)),),
            "Every hoist and sling inside its check date.",
        ),
        ActionText(
            "Monthly IPC audit with actions",
            "Use the provider audit tool and feed actions back into this tracker.",
            (("Monthly IPC audit results", ("audit", "audit-results")),),
            "IPC audit score at or above 90% for two months.",
        ),
    ),
)

GOVERNANCE = Theme(
    slug="governance",
    code="GOV",
    name="Governance",
    statements=("WL5", "WL1", "WL7", "WL2"),
    regulations=("17",),
    concerns=(
        ConcernText(
            "Audits not leading to action",
            "inspection-feedback",
            "Audits identified issues but no actions or follow-up were recorded.",
            "CQC inspection report",
        ),
        ConcernText(
            "Provider oversight not evidenced",
            "provider-review",
            "Minutes did not show the nominated individual challenging progress.",
        ),
        ConcernText(
            "Notifications not submitted",
            "requirement-notice",
            "Statutory notifications to CQC were not always submitted.",
            "Requirement notice, Regulation 17",
        ),
        ConcernText(
            "Complaints themes not analysed",
            "complaint",
            "Complaints were answered one by one with no review of themes.",
        ),
    ),
    measures=(
        MeasureText("Audit findings with an action", "percent", "at-least", 100, 3, 64),
        MeasureText("Notifications submitted on time", "percent", "at-least", 100, 3, 75),
    ),
    actions=(
        ActionText(
            "Link every audit finding to a tracker action",
            "The quality lead reviews each audit and raises actions the same week.",
            (("Audit reports with linked actions", ("audit", "governance-minutes")),),
            "Every audit finding has an owned action or a recorded decision.",
        ),
        ActionText(
            "Record provider challenge in governance minutes",
            "Use a template with a challenge and decision column for each action.",
            (("Governance minutes showing challenge", ("governance-minutes",)),),
            "Minutes show challenge and decisions every month.",
        ),
        ActionText(
            "Notification checklist for managers",
            "A checklist of notifiable events reviewed at every weekly meeting.",
            (
                ("Checklist in use", ("policy", "processes")),
                ("Audit of notifications against incidents", ("audit",)),
            ),
            "Every notifiable event notified on time.",
        ),
        ActionText(
            "Quarterly complaints themes review",
            "Analyse complaints by theme and share learning with the team.",
            (
                ("Themes analysis", ("incident-analysis", "outcomes")),
                ("Feedback from complainants", ("peoples-experience",)),
            ),
            "Recurring themes reduce quarter on quarter.",
        ),
    ),
)

THEMES = (MEDICINES, CARE_PLANNING, STAFFING, SAFEGUARDING, INFECTION_CONTROL, GOVERNANCE)
