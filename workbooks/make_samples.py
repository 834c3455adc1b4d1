"""Build the sample workbooks: a county master register, six district returns, four trackers.

Run ``python workbooks/make_samples.py``: the files are written beside this script. The data
are fixed module-level constants (tests import them and compare field by field), and the
files carry fixed document dates and zip timestamps, so a rerun gives the same bytes.

Field names in the row dictionaries are the schema field names of the workbook's kind
(``schemas/*.yaml``): ``ref``, ``recommendation``, ``lead``, ``progress``, ``updated``, ...
An empty cell is ``None``. A value an officer typed as text (``"30th October 2006"``) is kept
as that text here, exactly as it sits in the cell.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------------------------
# Dates and vocabularies
# ---------------------------------------------------------------------------------------------

MASTER_AS_AT = date(2007, 3, 1)
COMMITTEE_DATE = date(2007, 3, 20)  # validate the samples with --today 2007-03-20
ZIP_TIME = (2007, 3, 1, 9, 0, 0)

STATUS_VALUES = ("Not started", "In progress", "Complete", "Closed", "Paused")
RAG_VALUES = ("Red", "Amber", "Green")

COUNTY = "Lancashire County"
DISTRICTS = ("Burnley", "Chorley", "Hyndburn", "Rossendale", "South Ribble", "West Lancashire")
PARTNERS = (COUNTY, *DISTRICTS)

SECTIONS = (
    "Partnership Working",
    "Information Sharing",
    "Customer Access",
    "External Publicity",
    "Service for Customers with Disabilities",
)
_PW, _IS, _CA, _EP, _SD = SECTIONS

CLOSED_NOTE = "This item is now considered closed."


def notes(*entries: tuple[str, str] | str) -> str:
    """A progress cell as officers keep it: each dated entry its date on a line, then the text.

    An entry is (date, text), or a bare line such as "This item is now considered closed.".
    """
    lines: list[str] = []
    for entry in entries:
        if isinstance(entry, str):
            lines.append(entry)
        else:
            lines.extend(entry)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Progress entries from Chorley's One Stop Shop monitoring report (seed 003), as the officer
# wrote them; PDF line-break debris ("7 th", "low- level") cleaned up.
# ---------------------------------------------------------------------------------------------

_OSS_9_2005 = (
    "7 September 2005",
    "This has been considered along with the alternative of using Planning Online, the "
    "web-based service. Planning Online is accessible from all the workstations in the One "
    "Stop Shop and it appears to provide sufficient information for the current level of "
    "service provided by the advisors, and has no licence or financial implications.",
)
_OSS_9_2006 = (
    "1 March 2006",
    "Planning Online is used in the One Stop Shop where appropriate, to resolve low-level "
    "enquiries into planning applications. Not all advisors have received planning training "
    "yet and so enquiries cannot be handled at every desk. Planning training is currently "
    "underway.",
)
_OSS_9_ONCE = "Once complete, we can begin to deal with Planning queries across the board."
_OSS_9_OCT = (
    "10 October 2006",
    "Planning enquiries are now being dealt with at every desk. There is still the "
    "restriction of the software not being on each PC due to licensing issues, this means "
    "that the more complex enquiries cannot be resolved at every desk. However the experience "
    "so far has been that this has not caused many problems, and by far the majority of "
    "queries can be answered at any desk.",
)
_OSS_9_2007 = (
    "6 March 2007",
    "The e-planning project is due to go-live in April and will mean even more information "
    "will be available to Advisors at each desk in the OSS.",
)
_OSS_11_2005 = (
    "7 September 2005",
    "The dialogues in use in the One Stop Shop provide more information than FAQs, as well as "
    "capturing information. Some information is already available on the plasma, e.g. "
    "Different ways to pay. Work is being carried out to provide information on other "
    "services via the plasma screen.",
)
_OSS_11_2006 = (
    "10 October 2006",
    "The recent appointment of the new Information Officer means that we are now in a "
    "position to up-date FAQs in readiness for displaying via different means.",
)
_OSS_11_2007 = (
    "6 March 2007",
    "Information Officer is currently working on updating dialogues and information sources "
    "which will inform FAQs.",
)
_OSS_17_2005 = (
    "7 September 2005",
    "An initial, introductory meeting of the Customer Focus Group was held at the end of May. "
    "All services were represented except Housing. This was well received and it was "
    "proposed that meetings are held every three months and include a cross-section of "
    "staff. The invitation for August's meeting to include a representative of the Overview "
    "and Scrutiny Panel.",
)
_OSS_17_2006 = (
    "1 March 2006",
    "Customer Focus Group meeting held on 23rd September, Cllr Mrs Walsh in attendance "
    "proposed that they be held quarterly. Further meeting to be arranged for early 2006.",
)
# the officer's text names a full date inside the entry; a note splitter has to cope with it
_OSS_17_OCT = (
    "10 October 2006",
    "The last meeting was held on 26 May 2006, further meeting to be scheduled shortly.",
)
_OSS_17_2007 = ("6 March 2007", "The next meeting is scheduled for 17th April.")
_OSS_20_2005 = (
    "7 September 2005",
    "An estimated cost has been established. We are currently working to a specification "
    "that is still to be agreed by all parties. A site meeting took place on 4 August. "
    "Property Services have considered quotations from 4 companies and have identified a "
    "possible successful one. Final agreement to be reached w/e 2nd September. Work can then "
    "be arranged.",
)
_OSS_20_2006 = (
    "1 March 2006",
    "The alterations to the doors have been completed. There are a couple of minor issues in "
    "that the tendency has been for the majority of customers to use the push button rather "
    "than opening the door manually and this has shortened the battery life. The contractors "
    "have suggested improved signage or using mains power.",
)
_OSS_23_TEXT = (
    "This service is advertised at Reception and on the plasma screen in the One Stop Shop. "
    "An article promoting the service is planned for the next edition of Chorley Borough News."
)
_OSS_26_2005 = (
    "7 September 2005",
    "It is planned to discuss this further with the SSCC partnership to look at how members "
    "are delivering this facility in their Contact Centres.",
)
_OSS_26_2006 = (
    "10 October 2006",
    "Issues with the SSCC implementation (see item 27. 10 October below) has delayed "
    "progress. It may be necessary to install this facility outside partnership arrangements.",
)
_OSS_26_2007 = (
    "6 March 2007",
    "It is hoped that this will be in place by March 2008 or developed as part of a wider "
    "business case for use of SMS text message facilities.",
)
_OSS_27_2005 = (
    "7 September 2005",
    "This is a seven-year project and we will continue to support and lead on this most "
    "important initiative for the Council and it's customers.",
)
_OSS_27_2006 = (
    "10 October 2006",
    "It is currently considered by the SSCC partnership that the current Onyx CRM system is "
    "not meeting the business needs of partners. As a consequence the CRM system is undergoing "
    "a refocus. An option to consider the Northgate Front Office CRM system is currently being "
    "considered.",
)
_OSS_27_2007 = (
    "6 March 2007",
    "Significant progress has been made to establish the suitability of the Northgate CRM "
    "system. Contractual changes are due to be completed soon before implementation can begin.",
)

# ---------------------------------------------------------------------------------------------
# The county master register
# ---------------------------------------------------------------------------------------------

MASTER_FILE = "master.xlsx"
MASTER_SHEET = "Register"
MASTER_HEADER_ROW = 4
MASTER_TITLE = (
    "Lancashire Shared Services Contact Centre Partnership",
    "Register of Scrutiny Recommendations",
    "Position at 1 March 2007",
)
MASTER_HEADERS = (
    "Partner",
    "Ref",
    "Recommendation",
    "Lead Officer",
    "Date Agreed",
    "Target Date",
    "Status",
    "RAG",
    "Progress / Comments",
    "Last Updated",
)
MASTER_FIELDS = (
    "partner",
    "ref",
    "recommendation",
    "lead",
    "agreed_date",
    "target_date",
    "status",
    "rag",
    "progress",
    "updated",
)
MASTER_WIDTHS = (17, 7, 46, 22, 12, 12, 12, 8, 72, 12)

# Hyndburn types its recommendation numbers as numbers; the reader gives them back as "1".
NUMERIC_REF_PARTNERS = frozenset({"Hyndburn"})


def _rec(
    *,
    partner: str,
    ref: str,
    section: str,
    recommendation: str,
    lead: str,
    agreed: date,
    target: date,
    status: str,
    rag: str,
    progress: str | None,
    updated: date | None,
) -> dict[str, Any]:
    return {
        "partner": partner,
        "ref": ref,
        "section": section,
        "recommendation": recommendation,
        "lead": lead,
        "agreed_date": agreed,
        "target_date": target,
        "status": status,
        "rag": rag,
        "progress": progress,
        "updated": updated,
    }


# Lancashire County: the county's responses to the partnership review (seed 000), refs `4,a`.
_COUNTY_AGREED = date(2006, 7, 20)
_COUNTY_ROWS = [
    _rec(
        partner=COUNTY,
        ref="4,a",
        section=_PW,
        recommendation=(
            "To support the refined long term vision of the Partnership to deliver "
            "Lancashire County Council and District partner services and to support the "
            "refined vision statement."
        ),
        lead="Director of Strategy and Policy",
        agreed=_COUNTY_AGREED,
        target=date(2008, 3, 31),
        status="In progress",
        rag="Green",
        progress=notes(
            (
                "1 December 2006",
                "LCC - A three year vision statement has been agreed with an associated "
                "action plan. The initial aim of this is to implement Front Office which "
                "is on target.",
            ),
            (
                "14 February 2007",
                "Front Office implementation for the County and Chorley remains on target "
                "for the first wave.",
            ),
        ),
        updated=date(2007, 2, 14),
    ),
    _rec(
        partner=COUNTY,
        ref="4,b",
        section=_PW,
        recommendation=(
            "To ensure that the governance arrangements for the Partnership are effective "
            "by revisiting the terms of reference for the Joint Committee and to review the "
            "vision and project plan every 6 months and monitoring effectively the "
            "timescales set down in the project plan."
        ),
        lead="County Secretary and Solicitor",
        agreed=_COUNTY_AGREED,
        target=date(2007, 1, 31),
        status="In progress",
        rag="Red",
        progress=notes(
            (
                "1 December 2006",
                "Governance arrangements and terms of reference for the Joint Committee "
                "have been revised and agreed. There have not yet been any subsequent "
                "meetings as the focus has temporarily shifted to the CRM implementation.",
            ),
        ),
        updated=date(2006, 12, 1),
    ),
    _rec(
        partner=COUNTY,
        ref="4,c",
        section=_PW,
        recommendation=(
            "To develop a mechanism for Partner Districts, Lancashire County Council and "
            "the contractor for effective communication."
        ),
        lead="Head of Customer Access",
        agreed=_COUNTY_AGREED,
        target=date(2006, 12, 31),
        status="Complete",
        rag="Green",
        progress=notes(
            (
                "1 December 2006",
                "Northgate now present in both Programme and Partnership Board meetings to "
                "discuss progress and any difficulties with the project implementation. "
                "LCC - LCC also have weekly meetings with Northgate.",
            ),
        ),
        updated=date(2006, 12, 1),
    ),
    _rec(
        partner=COUNTY,
        ref="5,a",
        section=_IS,
        recommendation=(
            "For Lancashire County Council to provide Districts access to their "
            "Information systems where necessary to enable delivery of joint services."
        ),
        lead="Head of ICT Services",
        agreed=_COUNTY_AGREED,
        target=date(2007, 12, 31),
        status="In progress",
        rag="Amber",
        progress=notes(
            (
                "1 December 2006",
                "The practicalities of this are still being considered as part of the roll "
                "out of CRM. LCC - The revised vision statement and associated action plan "
                "makes provision for aiming for shared information services. The first "
                "step towards this is being made around joining up websites and the first "
                "meeting to discuss this was held on 30th October.",
            ),
        ),
        updated=date(2006, 12, 1),
    ),
    _rec(
        partner=COUNTY,
        ref="5,c",
        section=_CA,
        recommendation=(
            "To support extended opening hours for Contact Chorley facilitated by the Hub "
            "and to publicise emergency contact arrangements in place during out of "
            "office hours."
        ),
        lead="Head of Customer Access",
        agreed=_COUNTY_AGREED,
        target=date(2007, 9, 30),
        status="In progress",
        rag="Green",
        progress=notes(
            (
                "1 December 2006",
                "LCC - A business case for extended opening hours is currently being "
                "prepared. At this stage this is looking at 8am - 6pm Monday to Friday and "
                "Saturday morning. Opportunities to share these extended hours if accepted "
                "will then be sought.",
            ),
        ),
        updated=date(2006, 12, 1),
    ),
    _rec(
        partner=COUNTY,
        ref="5,f",
        section=_CA,
        recommendation=(
            "That any future Lancashire Gateways developments or public service "
            "partnerships, such as Housing Associations, for Chorley be based in the One "
            "Stop Shop."
        ),
        lead="Head of Customer Access",
        agreed=_COUNTY_AGREED,
        target=date(2008, 3, 31),
        status="In progress",
        rag="Green",
        progress=notes(
            (
                "1 December 2006",
                "LCC - LCC are currently running a pilot on Face to Face which has involved "
                "all Lancashire District partners but also other public sector "
                "organisations and community groups. The key outputs of this pilot will be "
                "a strategy for face to face accompanied by an implementation plan this "
                "will take into account such local requirements where possible.",
            ),
        ),
        updated=date(2006, 12, 1),
    ),
]

_BURNLEY_AGREED = date(2006, 1, 12)
_BURNLEY_ROWS = [
    _rec(
        partner="Burnley",
        ref="R1",
        section=_CA,
        recommendation=(
            "To provide a single telephone number for all Council services through the "
            "Burnley Contact Centre."
        ),
        lead="Head of Customer Services",
        agreed=_BURNLEY_AGREED,
        target=date(2007, 3, 31),
        status="In progress",
        rag="Amber",
        progress=notes(
            (
                "14 June 2006",
                "The single number is in use for Revenues, Benefits and Waste Services. "
                "Planning and Environmental Health still take calls directly.",
            ),
            (
                "9 January 2007",
                "Environmental Health calls transferred to the Contact Centre on 2 "
                "January. Planning to follow once the dialogues are agreed.",
            ),
        ),
        updated=date(2007, 1, 9),
    ),
    _rec(
        partner="Burnley",
        ref="R2",
        section=_PW,
        recommendation=(
            "To report progress on the Shared Services Contact Centre partnership to the "
            "Scrutiny Committee every six months."
        ),
        lead="Democratic Services Manager",
        agreed=_BURNLEY_AGREED,
        target=date(2008, 3, 31),
        status="In progress",
        rag="Green",
        progress=notes(
            (
                "5 October 2006",
                "First six-monthly report considered by the Scrutiny Committee in September.",
            ),
        ),
        updated=date(2006, 10, 5),
    ),
    _rec(
        partner="Burnley",
        ref="R3",
        section=_IS,
        recommendation=(
            "To agree a data sharing protocol with Lancashire County Council so that "
            "Contact Centre staff can view the status of county service requests."
        ),
        lead="ICT Manager",
        agreed=_BURNLEY_AGREED,
        target=date(2007, 9, 30),
        status="Not started",
        rag="Amber",
        progress=None,
        updated=None,
    ),
    _rec(
        partner="Burnley",
        ref="R4",
        section=_CA,
        recommendation=(
            "To extend Contact Centre opening hours to 7pm on Thursdays on a trial basis."
        ),
        lead="Head of Customer Services",
        agreed=_BURNLEY_AGREED,
        target=date(2007, 6, 30),
        status="In progress",
        rag="Green",
        progress=notes(
            (
                "9 January 2007",
                "Staffing rota for the trial agreed with the unions; trial to begin in April.",
            ),
        ),
        updated=date(2007, 1, 9),
    ),
    _rec(
        partner="Burnley",
        ref="R5",
        section=_EP,
        recommendation=(
            "To publicise the Contact Centre's services in the Burnley Express and the "
            "Council's newsletter."
        ),
        lead="Communications Manager",
        agreed=_BURNLEY_AGREED,
        target=date(2006, 9, 30),
        status="Complete",
        rag="Green",
        progress=notes(
            (
                "5 October 2006",
                "Feature published in the Autumn edition of Burnley Council News and in the "
                "Burnley Express in September.",
            ),
        ),
        updated=date(2006, 10, 5),
    ),
]

# Chorley: items of its One Stop Shop inquiry, refs as the panel numbered them ("8.", "17.").
# The master holds the position at 1 March 2007, so the report's 6 March entries come back in
# Chorley's return.
_CHORLEY_AGREED = date(2004, 6, 30)  # the panel's recommendations went to Executive Cabinet
_CHORLEY_LEAD = "Assistant Head of Customer Services"
_CHORLEY_ROWS = [
    _rec(
        partner="Chorley",
        ref="9.",
        section=_CA,
        recommendation=(
            "To load the Planning software on more than one computer in the One Stop Shop."
        ),
        lead=_CHORLEY_LEAD,
        agreed=_CHORLEY_AGREED,
        target=date(2007, 4, 30),
        status="In progress",
        rag="Green",
        progress=notes(
            _OSS_9_2005,
            (_OSS_9_2006[0], f"{_OSS_9_2006[1]} {_OSS_9_ONCE}"),
            _OSS_9_OCT,
        ),
        updated=date(2006, 10, 10),
    ),
    _rec(
        partner="Chorley",
        ref="11.",
        section=_EP,
        recommendation=(
            "To publish frequently asked questions (FAQs) in the One Stop Shop on the "
            "different services provided, potentially via the plasma screen."
        ),
        lead=_CHORLEY_LEAD,
        agreed=_CHORLEY_AGREED,
        target=date(2007, 3, 31),
        status="In progress",
        rag="Amber",
        progress=notes(_OSS_11_2005, _OSS_11_2006),
        updated=date(2006, 10, 10),
    ),
    _rec(
        partner="Chorley",
        ref="17.",
        section=_IS,
        recommendation=(
            "To set up a One Stop Shop user group with management and staff from all of "
            "the Council's Service Units involved and a Member of the Customer Overview "
            "and Scrutiny Panel."
        ),
        lead="Customer Services Manager",
        agreed=_CHORLEY_AGREED,
        target=date(2006, 12, 31),
        status="In progress",
        rag="Amber",
        progress=notes(_OSS_17_2005, _OSS_17_2006, _OSS_17_OCT),
        updated=date(2006, 10, 10),
    ),
    _rec(
        partner="Chorley",
        ref="20.",
        section=_SD,
        recommendation=(
            "To make the internal entrance and exit doors to the One Stop Shop more "
            "accessible, potentially by making the doors semi-automatic push button "
            "operated."
        ),
        lead="Head of Property Services",
        agreed=_CHORLEY_AGREED,
        target=date(2006, 3, 31),
        status="Closed",
        rag="Green",
        progress=notes(_OSS_20_2005, _OSS_20_2006, CLOSED_NOTE),
        updated=date(2006, 3, 1),
    ),
    _rec(
        partner="Chorley",
        ref="23.",
        section=_EP,
        recommendation="To advertise the 'Language Line' service.",
        lead=_CHORLEY_LEAD,
        agreed=_CHORLEY_AGREED,
        target=date(2007, 6, 30),
        status="In progress",
        rag="Green",
        progress=notes(("10 October 2006", _OSS_23_TEXT)),
        updated=date(2006, 10, 10),
    ),
    _rec(
        partner="Chorley",
        ref="26.",
        section=_SD,
        recommendation=(
            "To introduce text phone facilities for people with speech and hearing difficulties."
        ),
        lead=_CHORLEY_LEAD,
        agreed=_CHORLEY_AGREED,
        target=date(2008, 3, 31),
        status="In progress",
        rag="Red",
        progress=notes(_OSS_26_2005, _OSS_26_2006),
        updated=date(2006, 10, 10),
    ),
    _rec(
        partner="Chorley",
        ref="27.",
        section=_PW,
        recommendation=(
            "To support progress on the implementation of the Lancashire Shared Services "
            "Contact Centre to publicise the services available."
        ),
        lead=_CHORLEY_LEAD,
        agreed=_CHORLEY_AGREED,
        target=date(2007, 9, 30),
        status="In progress",
        rag="Amber",
        progress=notes(_OSS_27_2005, _OSS_27_2006),
        updated=date(2006, 10, 10),
    ),
]

_HYNDBURN_AGREED = date(2006, 3, 22)
_HYNDBURN_ROWS = [
    _rec(
        partner="Hyndburn",
        ref="1",
        section=_CA,
        recommendation=(
            "To introduce an appointments system for housing advice at the Customer Contact Centre."
        ),
        lead="Customer Services Manager",
        agreed=_HYNDBURN_AGREED,
        target=date(2007, 6, 30),
        status="In progress",
        rag="Green",
        progress=notes(
            (
                "3 November 2006",
                "Appointments for housing advice have been booked through the Contact "
                "Centre on Tuesdays and Thursdays since October.",
            ),
        ),
        updated=date(2006, 11, 3),
    ),
    _rec(
        partner="Hyndburn",
        ref="2",
        section=_PW,
        recommendation=(
            "To nominate a Member champion for the Shared Services Contact Centre partnership."
        ),
        lead="Head of Democratic Services",
        agreed=_HYNDBURN_AGREED,
        target=date(2006, 7, 31),
        status="Complete",
        rag="Green",
        progress=notes(("14 July 2006", "Member champion nominated by Cabinet on 13 July.")),
        updated=date(2006, 7, 14),
    ),
    _rec(
        partner="Hyndburn",
        ref="3",
        section=_IS,
        recommendation=(
            "To publish Contact Centre performance figures quarterly on the Council's website."
        ),
        lead="Performance Manager",
        agreed=_HYNDBURN_AGREED,
        target=date(2007, 5, 31),
        status="In progress",
        rag="Amber",
        progress=notes(
            (
                "3 November 2006",
                "Quarter 1 and 2 figures published. Quarter 3 figures awaited from the CRM "
                "reports.",
            ),
        ),
        updated=date(2006, 11, 3),
    ),
    _rec(
        partner="Hyndburn",
        ref="4",
        section=_SD,
        recommendation=(
            "To install a hearing loop at each reception point in the Customer Contact Centre."
        ),
        lead="Facilities Manager",
        agreed=_HYNDBURN_AGREED,
        target=date(2007, 4, 30),
        status="In progress",
        rag="Green",
        progress=notes(("3 November 2006", "Quotations obtained for the three reception points.")),
        updated=date(2006, 11, 3),
    ),
    _rec(
        partner="Hyndburn",
        ref="5",
        section=_EP,
        recommendation="To include Contact Centre opening hours on all Council correspondence.",
        lead="Communications Officer",
        agreed=_HYNDBURN_AGREED,
        target=date(2007, 7, 31),
        status="In progress",
        rag="Green",
        progress=notes(("3 November 2006", "New letter templates being drafted.")),
        updated=date(2006, 11, 3),
    ),
    _rec(
        partner="Hyndburn",
        ref="6",
        section=_CA,
        recommendation=(
            "To review the Contact Centre's call-handling standards against those of the "
            "other partners in the Shared Services partnership."
        ),
        lead="Customer Services Manager",
        agreed=_HYNDBURN_AGREED,
        target=date(2007, 12, 31),
        status="Paused",
        rag="Amber",
        progress=notes(("30 October 2006", "Review paused until the CRM refocus is completed.")),
        updated=date(2006, 10, 30),
    ),
]

_ROSSENDALE_AGREED = date(2006, 9, 14)
_ROSSENDALE_ROWS = [
    _rec(
        partner="Rossendale",
        ref="1",
        section=_PW,
        recommendation=(
            "To strengthen the Council's representation on the Shared Services "
            "Partnership Board by the attendance of the Portfolio Holder."
        ),
        lead="Head of Customer Services",
        agreed=_ROSSENDALE_AGREED,
        target=date(2007, 6, 30),
        status="In progress",
        rag="Green",
        progress=notes(
            ("20 November 2006", "Portfolio Holder attended the November Partnership Board.")
        ),
        updated=date(2006, 11, 20),
    ),
    _rec(
        partner="Rossendale",
        ref="2",
        section=_CA,
        recommendation=(
            "To improve access to Council services for residents in the outlying valleys."
        ),
        lead="Head of Customer Services",
        agreed=_ROSSENDALE_AGREED,
        target=date(2007, 12, 31),
        status="In progress",
        rag="Amber",
        progress=notes(("20 November 2006", "Options for outreach surgeries being considered.")),
        updated=date(2006, 11, 20),
    ),
    _rec(
        partner="Rossendale",
        ref="2.1",
        section=_CA,
        recommendation="To pilot a weekly outreach surgery at Bacup library.",
        lead="Customer Services Team Leader",
        agreed=_ROSSENDALE_AGREED,
        target=date(2007, 5, 31),
        status="Not started",
        rag="Green",
        progress=None,
        updated=None,
    ),
    _rec(
        partner="Rossendale",
        ref="2.2",
        section=_CA,
        recommendation="To pilot a weekly outreach surgery at Whitworth.",
        lead="Customer Services Team Leader",
        agreed=_ROSSENDALE_AGREED,
        target=date(2007, 9, 30),
        status="Not started",
        rag="Green",
        progress=None,
        updated=None,
    ),
    _rec(
        partner="Rossendale",
        ref="3",
        section=_IS,
        recommendation=(
            "To share customer satisfaction survey results with the partnership quarterly."
        ),
        lead="Head of Customer Services",
        agreed=_ROSSENDALE_AGREED,
        target=date(2006, 12, 31),
        status="Complete",
        rag="Green",
        progress=notes(
            (
                "20 November 2006",
                "Results shared at the Partnership Board; now a standing agenda item.",
            ),
        ),
        updated=date(2006, 11, 20),
    ),
]

_SOUTH_RIBBLE_AGREED = date(2006, 6, 28)
_SOUTH_RIBBLE_ROWS = [
    _rec(
        partner="South Ribble",
        ref="1.1",
        section=_PW,
        recommendation=(
            "To agree a service level agreement with Lancashire County Council for county "
            "calls answered at the Civic Centre."
        ),
        lead="Customer Services Manager",
        agreed=_SOUTH_RIBBLE_AGREED,
        target=date(2007, 6, 30),
        status="In progress",
        rag="Amber",
        progress=notes(
            ("15 December 2006", "Draft SLA received from the County; comments returned.")
        ),
        updated=date(2006, 12, 15),
    ),
    _rec(
        partner="South Ribble",
        ref="1.2",
        section=_PW,
        recommendation="To review the cost of the partnership to the Council annually.",
        lead="Head of Finance",
        agreed=_SOUTH_RIBBLE_AGREED,
        target=date(2007, 10, 31),
        status="Not started",
        rag="Green",
        progress=None,
        updated=None,
    ),
    _rec(
        partner="South Ribble",
        ref="2.1",
        section=_CA,
        recommendation=(
            "To introduce a call-back service when the Contact Centre queue exceeds five minutes."
        ),
        lead="Customer Services Manager",
        agreed=_SOUTH_RIBBLE_AGREED,
        target=date(2007, 3, 31),
        status="In progress",
        rag="Amber",
        progress=notes(
            (
                "15 December 2006",
                "Call-back option included in the specification for the telephony upgrade.",
            ),
        ),
        updated=date(2006, 12, 15),
    ),
    _rec(
        partner="South Ribble",
        ref="3.1",
        section=_SD,
        recommendation="To provide Council information in large print and Braille on request.",
        lead="Customer Services Manager",
        agreed=_SOUTH_RIBBLE_AGREED,
        target=date(2006, 9, 30),
        status="Complete",
        rag="Green",
        progress=notes(
            ("15 December 2006", "Arrangement in place with the RNIB transcription service.")
        ),
        updated=date(2006, 12, 15),
    ),
    _rec(
        partner="South Ribble",
        ref="3.2",
        section=_EP,
        recommendation="To promote online payments and self-service on the Council's website.",
        lead="Web Manager",
        agreed=_SOUTH_RIBBLE_AGREED,
        target=date(2007, 12, 31),
        status="In progress",
        rag="Green",
        progress=notes(
            ("15 December 2006", "Online payments promoted with the council tax bills.")
        ),
        updated=date(2006, 12, 15),
    ),
]

_WEST_LANCASHIRE_AGREED = date(2006, 7, 19)
_WEST_LANCASHIRE_ROWS = [
    _rec(
        partner="West Lancashire",
        ref="1a",
        section=_PW,
        recommendation="To seek a place for West Lancashire on the Partnership's Programme Board.",
        lead="Head of Customer Services",
        agreed=_WEST_LANCASHIRE_AGREED,
        target=date(2006, 9, 30),
        status="Complete",
        rag="Green",
        progress=notes(
            ("12 September 2006", "The Head of Customer Services now attends the Programme Board.")
        ),
        updated=date(2006, 9, 12),
    ),
    _rec(
        partner="West Lancashire",
        ref="1b",
        section=_PW,
        recommendation=(
            "To align the Council's Customer Access Strategy with the County's Customer "
            "Access Strategy."
        ),
        lead="Head of Customer Services",
        agreed=_WEST_LANCASHIRE_AGREED,
        target=date(2007, 11, 30),
        status="In progress",
        rag="Green",
        progress=notes(
            (
                "1 February 2007",
                "Draft strategy under review to align it with the County's three year vision.",
            ),
        ),
        updated=date(2007, 2, 1),
    ),
    _rec(
        partner="West Lancashire",
        ref="2a",
        section=_CA,
        recommendation=(
            "To open a customer service point in Skelmersdale with County services available."
        ),
        lead="Head of Customer Services",
        agreed=_WEST_LANCASHIRE_AGREED,
        target=date(2008, 3, 31),
        status="In progress",
        rag="Amber",
        progress=notes(
            (
                "1 February 2007",
                "Site identified in the Concourse Centre; business case being prepared with "
                "the County.",
            ),
        ),
        updated=date(2007, 2, 1),
    ),
    _rec(
        partner="West Lancashire",
        ref="3a",
        section=_SD,
        recommendation="To carry out an access audit of the Ormskirk customer service centre.",
        lead="Property Services Manager",
        agreed=_WEST_LANCASHIRE_AGREED,
        target=date(2006, 12, 31),
        status="Closed",
        rag="Green",
        progress=notes(
            (
                "12 September 2006",
                "Audit carried out by the Access Group. Its recommendations are included in "
                "the 2007/08 works programme.",
            ),
            CLOSED_NOTE,
        ),
        updated=date(2006, 9, 12),
    ),
]


def _master_order(rows: list[dict[str, Any]]) -> tuple[dict[str, Any], ...]:
    """By section, then partner; each partner's rows in the order its council gave them."""
    return tuple(
        sorted(rows, key=lambda r: (SECTIONS.index(r["section"]), PARTNERS.index(r["partner"])))
    )


# Every record of the master in sheet order (section rows are not records; each record
# carries its "section").
MASTER_ROWS: tuple[dict[str, Any], ...] = _master_order(
    _COUNTY_ROWS
    + _BURNLEY_ROWS
    + _CHORLEY_ROWS
    + _HYNDBURN_ROWS
    + _ROSSENDALE_ROWS
    + _SOUTH_RIBBLE_ROWS
    + _WEST_LANCASHIRE_ROWS
)
MASTER_SECTIONS = tuple(s for s in SECTIONS if any(r["section"] == s for r in MASTER_ROWS))
# The only items past their target date and not Complete/Closed on 20 March 2007.
MASTER_OVERDUE = ((COUNTY, "4,b"), ("Chorley", "17."))

RAG_KEY = (
    ("Red", "Target date missed or at serious risk; the lead officer needs to act now."),
    ("Amber", "Some slippage, or a risk to the target date that is being managed."),
    ("Green", "On target, complete or closed."),
)
STATUS_KEY = (
    ("Not started", "Agreed but no work yet."),
    ("In progress", "Work under way; the latest progress note says where it has got to."),
    ("Complete", "Implemented; the progress note says how and when."),
    ("Closed", "No further action: closed by the panel, or overtaken by events."),
    ("Paused", "Work stopped for a stated reason, for example awaiting the CRM refocus."),
)


def master_row(partner: str, ref: str) -> dict[str, Any]:
    """The master's record for one partner's ref."""
    for row in MASTER_ROWS:
        if row["partner"] == partner and row["ref"] == ref:
            return row
    raise KeyError((partner, ref))


# ---------------------------------------------------------------------------------------------
# The district returns
# ---------------------------------------------------------------------------------------------


class Edit(NamedTuple):
    """One value a partner changed in its return: the master's value and the return's."""

    ref: str
    field: str
    old: Any
    new: Any
    note: str = ""


def _set(partner: str, ref: str, field: str, new: Any, note: str = "") -> Edit:
    return Edit(ref, field, master_row(partner, ref)[field], new, note)


def _add_note(partner: str, ref: str, entry: tuple[str, str], note: str = "") -> Edit:
    """A new dated entry written under the existing progress note."""
    old = master_row(partner, ref)["progress"]
    return Edit(ref, "progress", old, notes(old, entry) if old else notes(entry), note)


class Layout(NamedTuple):
    """How a partner's return is laid out: its sheet, header row and columns."""

    sheet: str
    header_row: int
    headers: tuple[str, ...]
    fields: tuple[str | None, ...]  # None: a column of the partner's own
    title: tuple[str, ...]
    status_list: tuple[str, ...] = STATUS_VALUES  # the Status drop-down, an inline list


RETURNS_DIR = "returns"
RETURN_DATES = {
    "Burnley": date(2007, 3, 7),
    "Chorley": date(2007, 3, 9),
    "Hyndburn": date(2007, 3, 7),
    "Rossendale": date(2007, 3, 8),
    "South Ribble": date(2007, 3, 9),
    "West Lancashire": date(2007, 3, 1),
}


def _return_title(partner: str) -> tuple[str, ...]:
    when = RETURN_DATES[partner]
    return (
        "Lancashire Shared Services Contact Centre Partnership",
        f"Return from {partner} - Register of Scrutiny Recommendations",
        f"Position at {when.day} {when:%B %Y}",
    )


def _master_layout(partner: str, partner_column: bool = True, **kw: Any) -> Layout:
    cut = 0 if partner_column else 1
    return Layout(
        MASTER_SHEET,
        MASTER_HEADER_ROW,
        MASTER_HEADERS[cut:],
        MASTER_FIELDS[cut:],
        _return_title(partner),
        **kw,
    )


RETURN_LAYOUTS: dict[str, Layout] = {
    # Burnley's drop-down offers its own words for the statuses
    "Burnley": _master_layout(
        "Burnley", status_list=("Not started", "Ongoing", "Done", "Closed", "Paused")
    ),
    "Chorley": _master_layout("Chorley"),
    "Hyndburn": _master_layout("Hyndburn"),
    "Rossendale": _master_layout("Rossendale", partner_column=False),
    # South Ribble moved the table to a second sheet, reordered and renamed the columns and
    # added one of its own. "Officer notes" stays right of "Lead Officer": read alone, its
    # first word would name the lead column.
    "South Ribble": Layout(
        "Recommendations",
        6,
        (
            "Rec No.",
            "Recommendation",
            "Lead Officer",
            "Status",
            "RAG",
            "Current Position",
            "Date Updated",
            "Target Date",
            "Date Agreed",
            "Officer notes",
        ),
        (
            "ref",
            "recommendation",
            "lead",
            "status",
            "rag",
            "progress",
            "updated",
            "target_date",
            "agreed_date",
            None,
        ),
        (
            "South Ribble Borough Council",
            "Shared Services Contact Centre - Scrutiny Recommendations",
            "Return to Lancashire County Council",
            "Position at 9 March 2007",
        ),
    ),
    "West Lancashire": _master_layout("West Lancashire"),
}
SOUTH_RIBBLE_COVER_SHEET = "Cover"

RETURN_EDITS: dict[str, tuple[Edit, ...]] = {
    "Burnley": (
        _set("Burnley", "R1", "status", "Done", "synonym of Complete"),
        _set("Burnley", "R1", "rag", "Green"),
        _add_note(
            "Burnley",
            "R1",
            (
                "5 March 2007",
                "Planning calls transferred on 26 February. All Council services are now "
                "reached through the single number.",
            ),
        ),
        _set("Burnley", "R1", "updated", date(2007, 3, 5)),
        _set("Burnley", "R2", "status", "Ongoing", "synonym of In progress: no real change"),
        _add_note(
            "Burnley",
            "R2",
            (
                "7 March 2007",
                "Second six-monthly report to be considered by the Scrutiny Committee at the "
                "end of March.",
            ),
        ),
        _set("Burnley", "R2", "updated", date(2007, 3, 7)),
        _set(
            "Burnley",
            "R3",
            "recommendation",
            "To agree a data sharing protocol with Lancashire County Council so that Contact "
            "Centre staff can view and update the status of county service requests.",
            "coordinator-owned: the merge must reject it",
        ),
        _set(
            "Burnley",
            "R4",
            "target_date",
            date(2007, 9, 30),
            "coordinator-owned: the merge must reject it",
        ),
        _add_note(
            "Burnley",
            "R4",
            ("6 March 2007", "Trial start moved to July to follow the CRM upgrade."),
        ),
        _set("Burnley", "R4", "updated", date(2007, 3, 6)),
    ),
    "Chorley": (
        _add_note("Chorley", "9.", _OSS_9_2007),
        _set("Chorley", "9.", "updated", date(2007, 3, 6)),
        _set("Chorley", "11.", "status", "Complete"),
        _set("Chorley", "11.", "rag", "Green"),
        _add_note(
            "Chorley",
            "11.",
            (
                "8 March 2007",
                "Updated FAQs for Council Tax, Benefits, Waste and Planning are now shown on "
                "the plasma screen and are available at each Advisor desk.",
            ),
        ),
        _set("Chorley", "11.", "updated", date(2007, 3, 8)),
        _add_note("Chorley", "17.", _OSS_17_2007),
        _set("Chorley", "17.", "updated", date(2007, 3, 6)),
        _set("Chorley", "23.", "status", "Complete"),
        _add_note(
            "Chorley",
            "23.",
            (
                "2 March 2007",
                "An article promoting Language Line appeared in the Spring edition of "
                "Chorley Borough News.",
            ),
        ),
        _set("Chorley", "23.", "updated", date(2007, 3, 2)),
        _add_note("Chorley", "27.", _OSS_27_2007),
        _set("Chorley", "27.", "updated", date(2007, 3, 6)),
    ),
    "Hyndburn": (
        _set("Hyndburn", "1", "status", "Maybe", "not a status"),
        _set("Hyndburn", "2", "rag", "Purple", "not a RAG colour"),
        _add_note("Hyndburn", "3", ("5 March 2007", "Quarter 3 figures published on 2 March.")),
        _set("Hyndburn", "3", "updated", date(2031, 3, 5), "a date in the future"),
        _set("Hyndburn", "4", "status", "Complete", "Complete with no progress note"),
        _set("Hyndburn", "4", "progress", None, "progress cleared: Complete needs a note"),
        _set("Hyndburn", "4", "updated", date(2007, 3, 6)),
        _set(
            "Hyndburn",
            "5",
            "progress",
            '=HYPERLINK("http://intranet/oss","see intranet")',
            "pasted text that looks like a formula; the cell holds it as text",
        ),
        _set("Hyndburn", "5", "updated", date(2007, 3, 7)),
        _set(
            "Hyndburn",
            "6",
            "updated",
            "30th October 2006",
            "a date typed as text: the same day as the master's 30/10/2006",
        ),
    ),
    "Rossendale": (
        _add_note(
            "Rossendale",
            "1",
            (
                "8 March 2007",
                "Portfolio Holder attended the February Partnership Board; attendance is now "
                "a standing arrangement.",
            ),
        ),
        _set("Rossendale", "1", "updated", date(2007, 3, 8)),
        _set("Rossendale", "2.1", "status", "In progress"),
        _add_note(
            "Rossendale",
            "2.1",
            (
                "8 March 2007",
                "First surgery held at Bacup library on 6 March; 14 customers seen.\n"
                "Further surgeries booked every Tuesday morning until the end of May.",
            ),
            "the last line sits in a continuation row below the record",
        ),
        _set("Rossendale", "2.1", "updated", date(2007, 3, 8)),
    ),
    "South Ribble": (
        _add_note(
            "South Ribble",
            "1.1",
            (
                "2 March 2007",
                "Revised SLA agreed at officer level; awaiting sign-off by the Partnership Board.",
            ),
        ),
        _set("South Ribble", "1.1", "updated", date(2007, 3, 2)),
        _set("South Ribble", "2.1", "status", "Complete"),
        _set("South Ribble", "2.1", "rag", "Green"),
        _add_note(
            "South Ribble",
            "2.1",
            (
                "9 March 2007",
                "The call-back option has been live since 1 March following the telephony upgrade.",
            ),
        ),
        _set("South Ribble", "2.1", "updated", date(2007, 3, 9)),
        _set("South Ribble", "3.2", "rag", "Amber"),
        _add_note(
            "South Ribble",
            "3.2",
            ("5 March 2007", "Website redesign delayed to the summer; promotion to follow."),
        ),
        _set("South Ribble", "3.2", "updated", date(2007, 3, 5)),
    ),
    "West Lancashire": (),
}

# Rows a partner added at the bottom of its return (they fall under its last section).
RETURN_NEW_ROWS: dict[str, tuple[dict[str, Any], ...]] = {
    "Chorley": (
        _rec(
            partner="Chorley",
            ref="28.",
            section=_SD,
            recommendation=(
                "To provide a low-level counter at the One Stop Shop reception for wheelchair "
                "users."
            ),
            lead=_CHORLEY_LEAD,
            agreed=date(2007, 2, 22),
            target=date(2007, 12, 31),
            status="Not started",
            rag="Green",
            progress=notes(
                (
                    "9 March 2007",
                    "Recommendation agreed by the Corporate and Customer Overview and "
                    "Scrutiny Panel; costs being obtained from Property Services.",
                ),
            ),
            updated=date(2007, 3, 9),
        ),
    ),
    # a new recommendation given a number already in use: ref 5 twice
    "Hyndburn": (
        _rec(
            partner="Hyndburn",
            ref="5",
            section=_SD,
            recommendation="To open the Customer Contact Centre on Saturday mornings.",
            lead="Customer Services Manager",
            agreed=date(2007, 2, 28),
            target=date(2008, 3, 31),
            status="Not started",
            rag="Green",
            progress=None,
            updated=date(2007, 3, 7),
        ),
    ),
}
# Master rows a partner left out of its return.
RETURN_DROPPED: dict[str, tuple[str, ...]] = {"Rossendale": ("2.2",)}
# Text pasted from Word into the row under a record (progress column only, no ref).
RETURN_CONTINUATIONS: dict[str, dict[str, str]] = {
    "Rossendale": {"2.1": "Further surgeries booked every Tuesday morning until the end of May."}
}
# South Ribble's own column, not part of the register.
SOUTH_RIBBLE_OFFICER_NOTES = {
    "1.1": "Chase County for the signed SLA",
    "1.2": "Budget report due in October",
    "2.1": "Agreed at team meeting",
    "3.2": "Web team to confirm new go-live",
}


def return_rows(partner: str) -> tuple[dict[str, Any], ...]:
    """The partner's records as its return holds them, in sheet order.

    Progress is as the reader yields it: a continuation row's text joined to the record's
    progress with a newline.
    """
    dropped = RETURN_DROPPED.get(partner, ())
    edits: dict[str, dict[str, Any]] = {}
    for edit in RETURN_EDITS[partner]:
        edits.setdefault(edit.ref, {})[edit.field] = edit.new
    rows = [
        {**row, **edits.get(row["ref"], {})}
        for row in MASTER_ROWS
        if row["partner"] == partner and row["ref"] not in dropped
    ]
    return (*rows, *RETURN_NEW_ROWS.get(partner, ()))


RETURN_ROWS: dict[str, tuple[dict[str, Any], ...]] = {p: return_rows(p) for p in DISTRICTS}


# ---------------------------------------------------------------------------------------------
# Chorley's One Stop Shop inquiry monitoring report (seed 003)
# ---------------------------------------------------------------------------------------------

OSS_FILE = "one_stop_shop.xlsx"
OSS_SHEET = "Monitoring"
OSS_HEADER_ROW = 5
OSS_TITLE = (
    "Chorley Borough Council",
    "One Stop Shop Inquiry - Monitoring Report",
    "Corporate and Customer Overview and Scrutiny Panel - 20 March 2007",
)
OSS_HEADERS = ("Rec No.", "Recommendation", "Progress", "Status", "Date of Update")
OSS_FIELDS = ("ref", "recommendation", "progress", "status", "updated")
OSS_WIDTHS = (9, 42, 80, 12, 16)
OSS_SECTIONS = (
    "External Publicity",
    "Internal Information",
    "Internal Communication",
    "Service for Customers with Disabilities",
    "Services for Black and Ethnic Communities Customers",
    "Progress on the Development of the Lancashire Shared Services Contact Centre",
)
OSS_EMPTY_ROWS = 6  # formatted rows left at the bottom for the next items
_EXT, _INFO, _COMM, _DIS, _BME, _SSCC = OSS_SECTIONS


def _oss(
    *,
    ref: str,
    section: str | None,
    recommendation: str,
    parts: Sequence[str],
    status: str,
    updated: date | str,
) -> dict[str, Any]:
    """One item; parts[0] sits in the item's row, each further part in a row of its own below."""
    return {
        "ref": ref,
        "section": section,
        "recommendation": recommendation,
        "progress": "\n".join(parts),
        "status": status,
        "updated": updated,
        "_parts": tuple(parts),
    }


# The paper's first pages, with items 1 to 7 and the heading over 8 and 9, are not in the
# report; 13 is not in it either.
_OSS_ITEMS = [
    _oss(
        ref="8.",
        section=None,
        recommendation=(
            "To clarify the point where the customer query requires back office attention."
        ),
        parts=[
            notes(
                (
                    "7 September 2005",
                    "The dialogues currently indicate where a query needs to be referred to a "
                    "service provider. Any lack of clarity can be addressed in detail during "
                    "regular monthly meetings with service providers.",
                ),
                CLOSED_NOTE,
            )
        ],
        status="Closed",
        updated=date(2005, 9, 7),
    ),
    _oss(
        ref="9.",
        section=None,
        recommendation=(
            "To load the Planning software on more than one computer in the One Stop Shop."
        ),
        parts=[notes(_OSS_9_2005, _OSS_9_2006), notes(_OSS_9_ONCE, _OSS_9_OCT, _OSS_9_2007)],
        status="In progress",
        updated="6th March 2007",
    ),
    _oss(
        ref="10.",
        section=_EXT,
        recommendation=(
            "To promote the use of the Chorley Borough Council Internet site to access "
            "information and services."
        ),
        parts=[
            notes(
                (
                    "7 September 2005",
                    "There is an established web-address strap line that is included on all "
                    "Council documentation. The internet site is also referred to in the call "
                    "centre waiting messages and publicised on the plasma screen in the One "
                    "Stop Shop. Further work is scheduled for improving the web site and will "
                    "present an opportunity to extensively promote this once in operation.",
                ),
                CLOSED_NOTE,
            )
        ],
        status="Closed",
        updated=date(2005, 9, 7),
    ),
    _oss(
        ref="11.",
        section=_EXT,
        recommendation=(
            "To publish frequently asked questions (FAQs) in the One Stop Shop on the "
            "different services provided, potentially via the plasma screen."
        ),
        parts=[notes(_OSS_11_2005, _OSS_11_2006, _OSS_11_2007)],
        status="In progress",
        updated=date(2007, 3, 6),
    ),
    _oss(
        ref="12.",
        section=_EXT,
        recommendation=(
            "To increase the advertisement of facilities available at the One Stop Shop, "
            "for example a leaflet to libraries or an article in Chorley Borough News."
        ),
        parts=[
            notes(
                (
                    "7 September 2005",
                    "An article advertising the services provided from partnership working "
                    "(PALS, DWP, CAB) appeared in the July edition of Chorley Borough News "
                    "and Tenants News and Views. Further article in September Chorley "
                    "Borough News.",
                ),
            ),
            notes(
                ("1 March 2006", "An article appeared in the Winter 2006 Community Newsletter."),
                CLOSED_NOTE,
            ),
        ],
        status="Closed",
        updated=date(2006, 3, 1),
    ),
    _oss(
        ref="14.",
        section=_INFO,
        recommendation=(
            "To produce a breakdown of the range of enquiries to Customer Services between "
            "Revenues and Benefits, Planning Services etc to aid future service provision."
        ),
        parts=[
            notes(
                (
                    "7 September 2005",
                    "Dialogues in use already provide this information in a limited form, as "
                    "does the Callplus software in use in the call centre. The imminent "
                    "introduction of CRM will allow far more detailed information in this "
                    "area.",
                ),
                CLOSED_NOTE,
            )
        ],
        status="Closed",
        updated=date(2005, 9, 7),
    ),
    _oss(
        ref="15.",
        section=_INFO,
        recommendation="To record the number of queries requiring back office resolution.",
        # the paper gives this entry no date
        parts=[
            notes(
                "Again dialogues already provide this, and CRM will allow more detailed reporting.",
                CLOSED_NOTE,
            )
        ],
        status="Closed",
        updated=date(2005, 9, 7),
    ),
    _oss(
        ref="16.",
        section=_INFO,
        recommendation=(
            "To record the numbers of Black and Minority Ethnic customers to aid future "
            "comparisons."
        ),
        parts=[
            notes(
                (
                    "7 September 2005",
                    "CRM will allow this information to be recorded. However there is concern "
                    "on how readily customers will provide this information during their "
                    "contact with Customer Services.",
                ),
                CLOSED_NOTE,
            )
        ],
        status="Closed",
        updated=date(2005, 9, 7),
    ),
    _oss(
        ref="17.",
        section=_COMM,
        recommendation=(
            "To set up a One Stop Shop user group with management and staff from all of "
            "the Council's Service Units involved and a Member of the Customer Overview "
            "and Scrutiny Panel."
        ),
        parts=[notes(_OSS_17_2005, _OSS_17_2006, _OSS_17_OCT, _OSS_17_2007)],
        status="In progress",
        updated=date(2007, 3, 6),
    ),
    _oss(
        ref="18.",
        section=_DIS,
        recommendation="To use footsteps/arrows to direct customers to Fast Track Reception.",
        parts=[
            notes(
                (
                    "7 September 2005",
                    "There have been difficulties in sourcing these and the search continues.",
                ),
                (
                    "1 March 2006",
                    "Footsteps are now in place, there has been some improvement in customers "
                    "visiting Reception prior to entering the One Stop Shop.",
                ),
            ),
            CLOSED_NOTE,
        ],
        status="Closed",
        updated="1 March 2006",
    ),
    _oss(
        ref="19.",
        section=_DIS,
        recommendation=(
            "To train staff in basic sign language and to liaise with deaf organisations "
            "on other ways to provide services to deaf customers, such as the provision of "
            "sign language interpreters by appointment by an external or internal "
            "identified resource."
        ),
        parts=[
            notes(
                (
                    "7 September 2005",
                    "An existing member of staff is already a trained signer working in the "
                    "Union Street offices who has been called on previously and is happy to "
                    "provide continued support if called upon. Some Customer Services staff "
                    "have expressed an interest in this area and have a basic knowledge. HR "
                    "have been consulted, however there has been difficulty finding a "
                    "suitable course.",
                ),
                (
                    "1 March 2006",
                    "Two Advisors are currently attending an evening class in sign language "
                    "and have already been able to use these new skills to help customers.",
                ),
                ("10 October 2006", "The course was successfully completed by two Advisors."),
                CLOSED_NOTE,
            )
        ],
        status="Closed",
        updated=date(2006, 10, 10),
    ),
    _oss(
        ref="20.",
        section=_DIS,
        recommendation=(
            "To make the internal entrance and exit doors to the One Stop Shop more "
            "accessible, potentially by making the doors semi-automatic push button "
            "operated."
        ),
        parts=[notes(_OSS_20_2005, _OSS_20_2006, CLOSED_NOTE)],
        status="Closed",
        updated=date(2006, 3, 1),
    ),
    _oss(
        ref="21.",
        section=_DIS,
        recommendation="The layout of Interview Room Three to be reconsidered.",
        parts=[
            notes(
                (
                    "7 September 2005",
                    "This has been carefully considered. However, the only option would be "
                    "to change the door to open outward that would impact upon the queuing "
                    "and reception areas. Any change has therefore been ruled out.",
                ),
                CLOSED_NOTE,
            )
        ],
        status="Closed",
        updated=date(2005, 9, 7),
    ),
    _oss(
        ref="22.",
        section=_DIS,
        recommendation="To provide a disabled parking space in the vicinity of the One Stop Shop.",
        parts=[
            notes(
                (
                    "7 September 2005",
                    "Disabled parking with the appropriate badge is currently permitted on "
                    "both streets either side of the Union Street offices. The Parking "
                    "manager is currently investigating the possibility of using the coach "
                    "bay at the front of the building as disabled parking.",
                ),
                (
                    "1 March 2006",
                    "The coach bay has been replaced with a disabled bay in front of the One "
                    "Stop Shop on Union Street. This has been in use since 6th February.",
                ),
            ),
            CLOSED_NOTE,
        ],
        status="Closed",
        updated=date(2006, 3, 1),
    ),
    _oss(
        ref="23.",
        section=_BME,
        recommendation="To advertise the 'Language Line' service.",
        parts=[_OSS_23_TEXT],  # undated in the paper
        status="In progress",
        updated=date(2006, 10, 10),
    ),
    _oss(
        ref="24.",
        section=_BME,
        recommendation=(
            "To target Black and Minority Ethnic communities for open evening events in the "
            "One Stop Shop and promotion of facilities available in the community."
        ),
        parts=[
            notes(
                (
                    "7 September 2005",
                    "A meeting has been held with the Community Development Co-ordinator "
                    "(LCC) to arrange weekly surgeries in the One Stop Shop. The first of "
                    "these is on 7th September. These will be publicised and the possibility "
                    "of an evening session will be considered.",
                ),
                (
                    "1 March 2006",
                    "The weekly surgeries have been a success with positive customer "
                    "feedback. A visit by Customer Services staff to the Women's Forum is in "
                    "the process of being arranged and this will be followed by a buffet "
                    "open evening at the Union Street offices.",
                ),
                (
                    "10 October 2006",
                    "Staff from Customer Services enjoyed attending an open evening with the "
                    "Asian Women's Forum on 11th March. There was a very successful and well "
                    "attended return visit by the Women's Forum on 16th June.",
                ),
                CLOSED_NOTE,
            )
        ],
        status="Closed",
        updated=date(2006, 10, 10),
    ),
    _oss(
        ref="25.",
        section=_SSCC,
        recommendation=(
            "To extend the opening hours to provide additional ease of use for in-work "
            "customers e.g. Appointments outside opening hours and extended hours phone "
            "lines."
        ),
        parts=[
            notes(
                (
                    "7 September 2005",
                    "Phone lines in the call centre are currently open from 8am until 6pm. "
                    "Once Partnership protocol is in place additional access to services and "
                    "the treatment of overspill calls can be agreed.",
                ),
                CLOSED_NOTE,
            )
        ],
        status="Closed",
        updated=date(2005, 9, 7),
    ),
    _oss(
        ref="26.",
        section=_SSCC,
        recommendation=(
            "To introduce text phone facilities for people with speech and hearing difficulties."
        ),
        parts=[notes(_OSS_26_2005, _OSS_26_2006, _OSS_26_2007)],
        status="In progress",
        updated=date(2007, 3, 6),
    ),
    _oss(
        ref="27.",
        section=_SSCC,
        recommendation=(
            "To support progress on the implementation of the Lancashire Shared Services "
            "Contact Centre to publicise the services available."
        ),
        parts=[notes(_OSS_27_2005, _OSS_27_2006, _OSS_27_2007)],
        status="In progress",
        updated="06/03/2007",
    ),
]

# Records in sheet order; "progress" is the record's cell joined with its continuation rows.
OSS_ROWS: tuple[dict[str, Any], ...] = tuple(
    {k: v for k, v in item.items() if k != "_parts"} for item in _OSS_ITEMS
)
# ref -> the texts of the continuation rows under that record
OSS_CONTINUATIONS: dict[str, tuple[str, ...]] = {
    item["ref"]: item["_parts"][1:] for item in _OSS_ITEMS if len(item["_parts"]) > 1
}
# ref -> the Date of Update typed as text
OSS_TEXT_DATES = {r["ref"]: r["updated"] for r in OSS_ROWS if isinstance(r["updated"], str)}


# ---------------------------------------------------------------------------------------------
# Lancaster City & County partnership activity list (seed 004), kind action_plan
# ---------------------------------------------------------------------------------------------

ACTIVITY_FILE = "city_county_activity.xlsx"
ACTIVITY_SHEET = "Partnership"
ACTIVITY_HEADER_ROW = 4
ACTIVITY_TITLE = (
    "Lancaster City Council",
    "PARTNERSHIP WORKING \u2013 CITY & COUNTY",
    "Position at 1 February 2010",
)
ACTIVITY_HEADERS = (
    "Service Activity",
    "Current Position",
    "Responsibility",
    "Status",
    "Target Date",
)
ACTIVITY_FIELDS = ("activity", "current_position", "responsibility", "status", "target_date")
ACTIVITY_WIDTHS = (30, 70, 30, 13, 13)
ACTIVITY_SECTIONS = (
    "Property Services",
    "ICT & Customer Services",
    "HR/Payroll",
    "Public Realm",
    "Community & Regeneration",
    "Back Office",
)
_PROP, _ICT, _HR, _REALM, _REG, _BACK = ACTIVITY_SECTIONS
_REGEN = "Corporate Director Regeneration"
_FINANCE = "Corporate Director Finance & Performance"
_COMMUNITY = "Corporate Director Community Services"


def _act(
    section: str,
    activity: str,
    position: str,
    responsibility: str,
    status: str,
    target: date | None,
) -> dict[str, Any]:
    return {
        "section": section,
        "activity": activity,
        "current_position": position,
        "responsibility": responsibility,
        "status": status,
        "target_date": target,
    }


ACTIVITY_ROWS: tuple[dict[str, Any], ...] = (
    _act(
        _PROP,
        "Facilities Management",
        "Report on a shared service for Facilities Management considered by Cabinet on Jan "
        "19th. To be progressed.",
        _REGEN,
        "In progress",
        date(2010, 9, 30),
    ),
    _act(
        _PROP,
        "Shared Accommodation",
        "Opportunities for shared accommodation being progressed with County officers.",
        _REGEN,
        "In progress",
        date(2010, 12, 31),
    ),
    _act(
        _ICT,
        "Customer Services",
        "County officer presence in both Lancaster & Morecambe customer service centres on "
        "Mondays.\nOpportunities to provide permanent presence.",
        _FINANCE,
        "In progress",
        date(2010, 6, 30),
    ),
    _act(
        _ICT,
        "Shared Telephony",
        "Opportunities to provide shared telephony service. IT officers from both councils "
        "have begun discussions on this.",
        _FINANCE,
        "In progress",
        date(2010, 12, 31),
    ),
    _act(
        _ICT,
        "ICT Strategic Partner",
        "County are undertaking an exercise to procure a strategic partner for ICT & Customer "
        "Services & hope to complete the exercise by Sept 2010. Lancaster has agreed to add "
        "its name to the OJEU notice.\nThe partnership's first task will be to implement an "
        "integrated HR/Payroll system.",
        _FINANCE,
        "In progress",
        date(2010, 9, 30),
    ),
    _act(
        _HR,
        "Payroll",
        "Lancaster plan to replace existing payroll system in 2011. Officer project team "
        "about to start commissioning process.",
        _FINANCE,
        "Not started",
        date(2011, 3, 31),
    ),
    _act(
        _HR,
        "HR",
        "Options for any shared service to be pursued at some later date.",
        "Chief Executive",
        "Paused",
        None,
    ),
    _act(
        _REALM,
        "Streetscene/Highways/Grounds Maintenance",
        "Covered by the County. Public Realm Integration Project led by County. County "
        "Cabinet on 08 October agreed a phased approach with roll-out across Districts in "
        "two work streams. Lancaster is in the second stream programmed to start in June "
        "2010.",
        _COMMUNITY,
        "In progress",
        date(2010, 6, 30),
    ),
    _act(
        _REALM,
        "Grounds M'tce",
        "Link with Street Scene and rename Public Realm Project.",
        _COMMUNITY,
        "Not started",
        date(2010, 6, 30),
    ),
    _act(
        _REALM,
        "Land Drainage (Pitt Report)",
        "A county wide working group is being assembled to address how best to progress.",
        _REGEN,
        "Not started",
        date(2010, 12, 31),
    ),
    _act(
        _REG,
        "Children & Young People",
        "Local Children's Trust offering opportunities to share staff and pool resources.\n"
        "Conversations taken place between officers. Meetings to take place between C&YP "
        "politicians from both councils.",
        _REGEN,
        "In progress",
        date(2010, 9, 30),
    ),
    _act(
        _REG,
        "Museums",
        "Report on current partnership arrangement considered by Cabinet on January 19th. "
        "Discussions to identify efficiencies to take place.",
        _REGEN,
        "In progress",
        date(2010, 9, 30),
    ),
    _act(
        _REG,
        "Community Pools",
        "Report on current arrangements considered by Cabinet on January 19th. Further "
        "discussions to take place.",
        _REGEN,
        "In progress",
        date(2010, 9, 30),
    ),
    _act(
        _REG,
        "Economic Development & Regeneration",
        "Proposed development of new Science Park adjacent to Lancaster University.",
        _REGEN,
        "In progress",
        date(2011, 3, 31),
    ),
    _act(
        _BACK,
        "Other Back Office Support Services",
        "To be discussed at some later stage.",
        "Corporate Management Team",
        "Not started",
        None,
    ),
)


# ---------------------------------------------------------------------------------------------
# Performance indicator return, kind indicators
# ---------------------------------------------------------------------------------------------

INDICATORS_FILE = "indicators.xlsx"
INDICATORS_SHEET = "Indicators"
INDICATORS_HEADER_ROW = 4
INDICATORS_TITLE = (
    "Lancashire Shared Services Contact Centre Partnership",
    "Performance Indicator Return - 2008/09",
    "District partners' returns for quarters 2 and 3",
)
INDICATORS_HEADERS = (
    "PI Code",
    "Indicator",
    "Period",
    "Baseline",
    "Target",
    "Actual",
    "Polarity",
    "Unit",
    "RAG",
    "Partner",
    "Comments",
)
INDICATORS_FIELDS = (
    "code",
    "description",
    "period",
    "baseline",
    "target",
    "actual",
    "polarity",
    "unit",
    "rag",
    "partner",
    "comments",
)
INDICATORS_WIDTHS = (10, 48, 12, 10, 10, 10, 16, 9, 8, 16, 48)
HIGHER = "Higher is better"
LOWER = "Lower is better"
AMBER_TOLERANCE = 0.05  # Amber: missed, but within 5% of the target


def indicator_rag(actual: float, target: float, polarity: str) -> str:
    """Green when the target is met, Amber when within 5% of it, Red otherwise."""
    if polarity == HIGHER:
        if actual >= target:
            return "Green"
        return "Amber" if actual >= target * (1 - AMBER_TOLERANCE) else "Red"
    if actual <= target:
        return "Green"
    return "Amber" if actual <= target * (1 + AMBER_TOLERANCE) else "Red"


def _pi(
    code: str,
    description: str,
    period: str,
    figures: tuple[float, float, float],
    polarity: str,
    unit: str,
    partner: str,
    comments: str | None = None,
) -> dict[str, Any]:
    """One indicator for one period; figures are (baseline, target, actual)."""
    baseline, target, actual = figures
    return {
        "code": code,
        "description": description,
        "period": period,
        "baseline": baseline,
        "target": target,
        "actual": actual,
        "polarity": polarity,
        "unit": unit,
        "rag": indicator_rag(actual, target, polarity),
        "partner": partner,
        "comments": comments,
    }


_NI181 = "Time taken to process Housing Benefit/Council Tax Benefit new claims and change events"
_LPI12 = "Percentage of calls to the contact centre answered within 20 seconds"
_Q2, _Q3 = "2008/09 Q2", "2008/09 Q3"
INDICATOR_ROWS: tuple[dict[str, Any], ...] = (
    _pi(
        "BV 8",
        "Percentage of invoices for commercial goods and services paid within 30 days",
        _Q3,
        (92.1, 95.0, 96.3),
        HIGHER,
        "%",
        "Burnley",
        "Improvement since electronic approval of invoices was introduced.",
    ),
    _pi(
        "NI 181",
        _NI181,
        _Q3,
        (14.2, 12.0, 12.4),
        LOWER,
        "days",
        "Burnley",
        "Seasonal peak in change events in December.",
    ),
    _pi("LPI 12", _LPI12, _Q2, (78.0, 80.0, 81.5), HIGHER, "%", "Chorley"),
    _pi(
        "LPI 12",
        _LPI12,
        _Q3,
        (78.0, 80.0, 74.2),
        HIGHER,
        "%",
        "Chorley",
        "CRM upgrade in November reduced call-handling capacity for three weeks.",
    ),
    _pi(
        "NI 14",
        "Avoidable contact: the proportion of customer contact that is of low or no value to "
        "the customer",
        _Q3,
        (27.0, 25.0, 26.1),
        LOWER,
        "%",
        "Chorley",
        "Progress-chasing calls about waste collections remain high.",
    ),
    _pi(
        "BV 12",
        "Working days lost due to sickness absence per full-time equivalent employee",
        _Q3,
        (10.8, 9.0, 10.2),
        LOWER,
        "days",
        "Hyndburn",
        "Two long-term absences in the contact centre; both now back at work.",
    ),
    _pi(
        "NI 192",
        "Percentage of household waste sent for reuse, recycling and composting",
        _Q3,
        (31.5, 35.0, 35.4),
        HIGHER,
        "%",
        "Hyndburn",
    ),
    _pi(
        "NI 195a",
        "Improved street and environmental cleanliness: litter",
        _Q2,
        (11.0, 9.0, 8.0),
        LOWER,
        "%",
        "Rossendale",
        "Tranche 2 survey.",
    ),
    _pi(
        "NI 191",
        "Residual household waste per household",
        _Q3,
        (712.0, 680.0, 729.0),
        LOWER,
        "kg",
        "Rossendale",
        "Projected outturn for the year from the quarters 1 to 3 tonnages.",
    ),
    _pi(
        "BV 9",
        "Percentage of Council Tax collected",
        _Q3,
        (84.9, 85.5, 85.1),
        HIGHER,
        "%",
        "South Ribble",
        "Collection profiled to the end of December.",
    ),
    _pi(
        "BV 10",
        "Percentage of non-domestic rates collected",
        _Q3,
        (86.2, 86.0, 87.0),
        HIGHER,
        "%",
        "South Ribble",
    ),
    _pi(
        "LPI 3",
        "Average waiting time at the Civic Centre customer services desk",
        _Q3,
        (9.0, 8.0, 7.5),
        LOWER,
        "minutes",
        "South Ribble",
    ),
    _pi(
        "NI 157a",
        "Processing of major planning applications within 13 weeks",
        _Q3,
        (60.0, 65.0, 57.1),
        HIGHER,
        "%",
        "West Lancashire",
        "Three large applications held up awaiting Section 106 agreements.",
    ),
    _pi(
        "LPI 14",
        "Percentage of customers satisfied with the customer service centre",
        _Q2,
        (88.0, 90.0, 86.0),
        HIGHER,
        "%",
        "West Lancashire",
        "Survey of 412 customers in August.",
    ),
    _pi("NI 181", _NI181, _Q3, (16.0, 14.0, 13.2), LOWER, "days", "West Lancashire"),
)


# ---------------------------------------------------------------------------------------------
# Partnership risk register (seed 003, RISK ISSUES), kind risks
# ---------------------------------------------------------------------------------------------

RISKS_FILE = "risks.xlsx"
RISKS_SHEET = "Risk Register"
RISKS_HEADER_ROW = 5
RISKS_TITLE = (
    "Chorley Borough Council",
    "Lancashire Shared Services Contact Centre - Partnership Risk Register",
    "Reviewed 6 March 2007",
)
RISKS_HEADERS = (
    "Risk Ref",
    "Risk Description",
    "Category",
    "Likelihood",
    "Impact",
    "Risk Score",
    "Risk Owner",
    "Mitigation",
    "Status",
    "Last Reviewed",
)
RISKS_FIELDS = (
    "ref",
    "description",
    "category",
    "likelihood",
    "impact",
    "score",
    "owner",
    "mitigation",
    "status",
    "updated",
)
RISKS_WIDTHS = (9, 44, 16, 11, 9, 10, 26, 52, 11, 13)
RISK_CATEGORIES = (
    "Strategy",
    "Reputation",
    "Financial",
    "People",
    "Information",
    "Regulatory/Legal",
    "Operational",
    "Other",
)
RISK_STATUSES = ("Open", "Closed", "Escalated")


def _risk(
    ref: str,
    description: str,
    category: str,
    scores: tuple[int, int],
    owner: str,
    mitigation: str,
    status: str,
    reviewed: date,
) -> dict[str, Any]:
    """One risk; scores are (likelihood, impact), the score their product, stored as a value."""
    likelihood, impact = scores
    return {
        "ref": ref,
        "description": description,
        "category": category,
        "likelihood": likelihood,
        "impact": impact,
        "score": likelihood * impact,
        "owner": owner,
        "mitigation": mitigation,
        "status": status,
        "updated": reviewed,
    }


_HCS = "Head of Customer Services"
_AHCS = "Assistant Head of Customer Services"
RISK_ROWS: tuple[dict[str, Any], ...] = (
    _risk(
        "R01",
        "The partnership is a high profile scheme watched regionally and nationally; if it "
        "were to fail it would damage the reputation of the partners.",
        "Reputation",
        (3, 5),
        _HCS,
        "Progress reported to Executive Cabinet and the Overview and Scrutiny Panel; the "
        "Partnership Board monitors the project plan.",
        "Open",
        date(2007, 3, 1),
    ),
    _risk(
        "R02",
        "Planned customer service improvements are not achieved.",
        "Operational",
        (3, 4),
        _AHCS,
        "Service standards monitored monthly; dialogues reviewed with service providers.",
        "Open",
        date(2007, 3, 1),
    ),
    _risk(
        "R03",
        "The Onyx CRM system does not meet the business needs of partners.",
        "Information",
        (4, 4),
        _AHCS,
        "CRM refocus; suitability of the Northgate Front Office CRM system being established.",
        "Escalated",
        date(2007, 3, 6),
    ),
    _risk(
        "R04",
        "The total costs of the partnership rise beyond budget if County funding is reduced.",
        "Financial",
        (2, 4),
        "Director of Finance",
        "Costs shared under the inter authority agreement; the major share is funded by "
        "Lancashire County Council.",
        "Open",
        date(2007, 2, 15),
    ),
    _risk(
        "R05",
        "Back to back contracts between Northgate, the County and the districts delay decisions.",
        "Regulatory/Legal",
        (3, 3),
        "Head of Legal Services",
        "Revised contract, inter authority agreement and constitution agreed by the Joint "
        "Committee.",
        "Open",
        date(2007, 2, 15),
    ),
    _risk(
        "R06",
        "Partners at different stages of implementation hold back Chorley's progress.",
        "Strategy",
        (3, 3),
        _HCS,
        "Chorley and the County to be the first wave for phase two; each partner may "
        "develop its CRM independently.",
        "Open",
        date(2007, 3, 1),
    ),
    _risk(
        "R07",
        "Loss of trained Advisors leaves enquiries that cannot be resolved at every desk.",
        "People",
        (2, 3),
        _AHCS,
        "Planning and sign language training for Advisors; cross-training programme.",
        "Open",
        date(2007, 3, 1),
    ),
    _risk(
        "R08",
        "Dialogues are not kept up to date by service providers and customers are given "
        "wrong information.",
        "Information",
        (3, 3),
        "Information Officer",
        "SLA with service providers; the Information Officer reviews the dialogues with the "
        "back office.",
        "Open",
        date(2007, 3, 6),
    ),
    _risk(
        "R09",
        "Customer records cannot be shared lawfully between County and district systems.",
        "Regulatory/Legal",
        (2, 3),
        "Head of ICT Services",
        "Data sharing protocol drafted with the County; privacy notices updated.",
        "Open",
        date(2007, 2, 15),
    ),
    _risk(
        "R10",
        "Low take-up of the One Stop Shop by Black and Minority Ethnic communities.",
        "Other",
        (2, 2),
        _AHCS,
        "Weekly surgeries and open evenings held with the Asian Women's Forum.",
        "Closed",
        date(2006, 10, 10),
    ),
)


# ---------------------------------------------------------------------------------------------
# Styling: how councils dress a monitoring sheet
# ---------------------------------------------------------------------------------------------

FONT = "Arial"
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="C5D9F1")
SECTION_FILL = PatternFill("solid", fgColor="D9D9D9")
DMY = "dd/mm/yyyy"
LONG_DATE = "d mmmm yyyy"
RAG_STYLES = {  # fill, font: Excel's own Bad / Neutral / Good colours
    "Red": ("FFC7CE", "9C0006"),
    "Amber": ("FFEB9C", "9C5700"),
    "Green": ("C6EFCE", "006100"),
}
LINE_HEIGHT = 12.75  # points per line of 10pt Arial
MAX_ROW_HEIGHT = 409


class Col(NamedTuple):
    header: str
    width: float
    kind: str = "text"  # text | wrap | date | centre | number


class TableSheet:
    """Writes one council table: title rows, header, sections, records, continuation rows."""

    def __init__(
        self,
        ws: Worksheet,
        cols: Sequence[Col],
        header_row: int,
        date_format: str = DMY,
        number_format: str = "0.0",
    ) -> None:
        self.ws = ws
        self.cols = list(cols)
        self.header_row = header_row
        self.row = header_row
        self.date_format = date_format
        self.number_format = number_format
        self.last_col = get_column_letter(len(self.cols))

    def titles(self, lines: Sequence[str]) -> None:
        sizes = (14, 12)
        for i, text in enumerate(lines, start=1):
            cell = self.ws.cell(row=i, column=1, value=text)
            size = sizes[i - 1] if i <= len(sizes) else 10
            cell.font = Font(name=FONT, size=size, bold=i <= len(sizes), italic=i > len(sizes))

    def header(self) -> None:
        for c, col in enumerate(self.cols, start=1):
            cell = self.ws.cell(row=self.header_row, column=c, value=col.header)
            cell.font = Font(name=FONT, size=10, bold=True)
            cell.fill = HEADER_FILL
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        self.ws.row_dimensions[self.header_row].height = 27

    def section(self, text: str) -> None:
        """A heading row: one value, merged across the table, bold on grey."""
        self.row += 1
        for c in range(1, len(self.cols) + 1):
            cell = self.ws.cell(row=self.row, column=c)
            cell.fill = SECTION_FILL
            cell.border = BORDER
        first = self.ws.cell(row=self.row, column=1, value=text)
        first.font = Font(name=FONT, size=10, bold=True)
        first.alignment = Alignment(vertical="center")
        self.ws.merge_cells(f"A{self.row}:{self.last_col}{self.row}")
        self.ws.row_dimensions[self.row].height = 16.5

    def record(self, values: Sequence[Any]) -> int:
        self.row += 1
        for c, (col, value) in enumerate(zip(self.cols, values, strict=True), start=1):
            self._cell(c, col, value)
        self._fit_height()
        return self.row

    def continuation(self, values: dict[int, Any]) -> None:
        """A row pasted from Word: text in some columns, the rest bordered and empty."""
        self.row += 1
        for c, col in enumerate(self.cols, start=1):
            self._cell(c, col, values.get(c))
        self._fit_height()

    def empty_rows(self, count: int) -> None:
        """Rows formatted ready for the next items: borders and wrap, no values."""
        for _ in range(count):
            self.row += 1
            for c, col in enumerate(self.cols, start=1):
                self._cell(c, col, None)

    def _cell(self, c: int, col: Col, value: Any) -> None:
        cell = self.ws.cell(row=self.row, column=c)
        cell.border = BORDER
        cell.font = Font(name=FONT, size=10)
        horizontal = "center" if col.kind in ("centre", "date") else None
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=horizontal)
        if value is None:
            if col.kind == "date":
                cell.number_format = self.date_format
            return
        if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
            # pasted text that only looks like a formula stays text, as Excel's leading ' does
            cell.value = value
            cell.data_type = "s"
            cell.quotePrefix = True
            return
        cell.value = value
        if isinstance(value, date):
            cell.number_format = self.date_format
        elif isinstance(value, str) and col.kind == "date":
            cell.number_format = "@"  # a date typed as text into a Text-formatted cell
        elif isinstance(value, float):
            cell.number_format = self.number_format

    def _fit_height(self) -> None:
        """Excel does not grow a wrapped row when it opens a file, so set the height."""
        lines = 1
        for c, col in enumerate(self.cols, start=1):
            value = self.ws.cell(row=self.row, column=c).value
            if isinstance(value, str):
                per_line = max(1, int(col.width * 1.15))
                n = sum(max(1, math.ceil(len(part) / per_line)) for part in value.split("\n"))
                lines = max(lines, n)
        self.ws.row_dimensions[self.row].height = min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 3)

    def first_data_row(self) -> int:
        return self.header_row + 1

    def column(self, header: str) -> str:
        return get_column_letter([c.header for c in self.cols].index(header) + 1)

    def finish(self, landscape: bool = True) -> None:
        ws = self.ws
        for c, col in enumerate(self.cols, start=1):
            ws.column_dimensions[get_column_letter(c)].width = col.width
        ws.freeze_panes = f"A{self.header_row + 1}"
        ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        ws.print_area = f"A1:{self.last_col}{self.row}"
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = False
        ws.oddFooter.left.text = "&F"
        ws.oddFooter.right.text = "Page &P of &N"
        ws.sheet_view.zoomScale = 90


def _dropdown(ws: Worksheet, source: str, cells: str, title: str) -> DataValidation:
    """A list drop-down; `source` is a range on another sheet or an inline "a,b,c" list."""
    formula = source if "!" in source else f'"{source}"'
    dv = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=f"{title} not recognised",
        error=f"Please choose a {title} from the list.",
        showInputMessage=True,
        promptTitle=title,
        prompt=f"Choose the {title} from the list.",
    )
    dv.add(cells)
    ws.add_data_validation(dv)
    return dv


def _rag_colours(ws: Worksheet, cells: str) -> None:
    for value, (fill, font) in RAG_STYLES.items():
        ws.conditional_formatting.add(
            cells,
            CellIsRule(
                operator="equal",
                formula=[f'"{value}"'],
                fill=PatternFill("solid", fgColor=fill, bgColor=fill),
                font=Font(color=font, bold=True),
            ),
        )


def _new_book(title: str, author: str, modified: date) -> Workbook:
    wb = Workbook()
    wb.properties.title = title
    wb.properties.creator = author
    wb.properties.lastModifiedBy = author
    wb.properties.created = datetime(2007, 1, 8, 9, 0)
    wb.properties.modified = datetime(modified.year, modified.month, modified.day, 16, 30)
    return wb


def _save(wb: Workbook, path: Path) -> Path:
    """Save with the document dates as set and fixed zip timestamps: same data, same bytes.

    openpyxl's own save stamps the current time into the file, so write through its writer
    into memory and copy the parts into a zip whose entries all carry one fixed time.
    """
    buffer = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(tmp, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    tmp.replace(path)
    return path


# ---------------------------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------------------------

_KIND_OF_FIELD = {
    "partner": "text",
    "ref": "centre",
    "recommendation": "wrap",
    "lead": "wrap",
    "agreed_date": "date",
    "target_date": "date",
    "status": "centre",
    "rag": "centre",
    "progress": "wrap",
    "updated": "date",
    None: "wrap",
}
_WIDTH_OF_FIELD = dict(zip(MASTER_FIELDS, MASTER_WIDTHS, strict=True)) | {None: 30}


def _cell_value(row: dict[str, Any], field: str | None) -> Any:
    value = row.get(field) if field else None
    if field == "ref" and row["partner"] in NUMERIC_REF_PARTNERS:
        return int(value)
    return value


def _register_sheet(
    ws: Worksheet,
    title: Sequence[str],
    header_row: int,
    headers: Sequence[str],
    fields: Sequence[str | None],
    rows: Iterable[dict[str, Any]],
    *,
    extra: dict[str, str] | None = None,
    continuations: dict[str, str] | None = None,
) -> TableSheet:
    """A recommendations register in the master's style, one section row before each group."""
    cols = [
        Col(h, _WIDTH_OF_FIELD[f], _KIND_OF_FIELD[f]) for h, f in zip(headers, fields, strict=True)
    ]
    table = TableSheet(ws, cols, header_row)
    table.titles(title)
    table.header()
    section = None
    progress_col = fields.index("progress") + 1
    for row in rows:
        if row["section"] != section:
            section = row["section"]
            table.section(section)
        values = []
        tail = (continuations or {}).get(row["ref"])
        for field in fields:
            if field is None:
                values.append((extra or {}).get(row["ref"]))
            elif field == "progress" and tail:
                text = row["progress"]
                assert text.endswith("\n" + tail)
                values.append(text[: -len(tail) - 1])
            else:
                values.append(_cell_value(row, field))
        table.record(values)
        if tail:
            table.continuation({progress_col: tail})
    return table


def _register_dropdowns(
    table: TableSheet, status_source: str, rag_source: str, spare_rows: int = 50
) -> None:
    ws, first, last = table.ws, table.first_data_row(), table.row + spare_rows
    status, rag = table.column("Status"), table.column("RAG")
    _dropdown(ws, status_source, f"{status}{first}:{status}{last}", "Status")
    _dropdown(ws, rag_source, f"{rag}{first}:{rag}{last}", "RAG")
    _rag_colours(ws, f"{rag}{first}:{rag}{last}")


def build_master(out_dir: Path) -> Path:
    wb = _new_book(
        "Register of Scrutiny Recommendations",
        "Customer Access Team, Lancashire County Council",
        MASTER_AS_AT,
    )
    ws = wb.active
    ws.title = MASTER_SHEET
    table = _register_sheet(
        ws, MASTER_TITLE, MASTER_HEADER_ROW, MASTER_HEADERS, MASTER_FIELDS, MASTER_ROWS
    )
    n_status, n_rag = len(STATUS_VALUES) + 1, len(RAG_VALUES) + 1
    # the drop-downs read their lists from the Lists sheet
    _register_dropdowns(table, f"Lists!$A$2:$A${n_status}", f"Lists!$B$2:$B${n_rag}")
    table.finish()

    key = wb.create_sheet("Key")
    key["A1"] = "Register of Scrutiny Recommendations - Key"
    key["A1"].font = Font(name=FONT, size=12, bold=True)
    r = 3
    for heading, rows in (("RAG", RAG_KEY), ("Status", STATUS_KEY)):
        for c, text in enumerate((heading, "Meaning"), start=1):
            cell = key.cell(row=r, column=c, value=text)
            cell.font = Font(name=FONT, size=10, bold=True)
            cell.fill = HEADER_FILL
            cell.border = BORDER
        for value, meaning in rows:
            r += 1
            a = key.cell(row=r, column=1, value=value)
            b = key.cell(row=r, column=2, value=meaning)
            for cell in (a, b):
                cell.font = Font(name=FONT, size=10)
                cell.border = BORDER
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if value in RAG_STYLES:
                fill, font = RAG_STYLES[value]
                a.fill = PatternFill("solid", fgColor=fill)
                a.font = Font(name=FONT, size=10, bold=True, color=font)
        r += 2
    for text in (
        "Notes",
        "Add a new dated entry under the last one in Progress / Comments; do not overwrite "
        "earlier entries.",
        "Dates are day/month/year. Last Updated is the date of the latest progress entry.",
        "Partners return their rows by 9 March 2007 for the Joint Committee on 20 March 2007.",
    ):
        key.cell(row=r, column=1, value=text).font = Font(name=FONT, size=10, bold=text == "Notes")
        r += 1
    key.column_dimensions["A"].width = 14
    key.column_dimensions["B"].width = 80

    lists = wb.create_sheet("Lists")
    for c, (heading, values) in enumerate((("Status", STATUS_VALUES), ("RAG", RAG_VALUES)), 1):
        lists.cell(row=1, column=c, value=heading).font = Font(name=FONT, size=10, bold=True)
        for r, value in enumerate(values, start=2):
            lists.cell(row=r, column=c, value=value).font = Font(name=FONT, size=10)
        lists.column_dimensions[get_column_letter(c)].width = 14
    return _save(wb, out_dir / MASTER_FILE)


def build_return(out_dir: Path, partner: str) -> Path:
    layout = RETURN_LAYOUTS[partner]
    wb = _new_book(f"Return from {partner}", f"{partner} Council", RETURN_DATES[partner])
    ws = wb.active
    if partner == "South Ribble":
        _cover_sheet(ws)
        ws = wb.create_sheet(layout.sheet)
    else:
        ws.title = layout.sheet
    table = _register_sheet(
        ws,
        layout.title,
        layout.header_row,
        layout.headers,
        layout.fields,
        RETURN_ROWS[partner],
        extra=SOUTH_RIBBLE_OFFICER_NOTES if partner == "South Ribble" else None,
        continuations=RETURN_CONTINUATIONS.get(partner),
    )
    _register_dropdowns(table, ",".join(layout.status_list), ",".join(RAG_VALUES))
    table.finish()
    return _save(wb, out_dir / RETURNS_DIR / f"{partner}.xlsx")


def _cover_sheet(ws: Worksheet) -> None:
    ws.title = SOUTH_RIBBLE_COVER_SHEET
    lines = (
        ("South Ribble Borough Council", 14, True),
        ("Shared Services Contact Centre Partnership", 12, True),
        ("Update on scrutiny recommendations for Lancashire County Council", 10, False),
        (None, 10, False),
        ("Completed by: Customer Services Manager", 10, False),
        ("Returned: 9 March 2007", 10, False),
        (None, 10, False),
        ("Our update is on the next sheet. The last column holds our own notes.", 10, False),
    )
    for r, (text, size, bold) in enumerate(lines, start=1):
        if text:
            ws.cell(row=r, column=1, value=text).font = Font(name=FONT, size=size, bold=bold)
    ws.column_dimensions["A"].width = 90


def build_one_stop_shop(out_dir: Path) -> Path:
    wb = _new_book(
        "One Stop Shop Inquiry - Monitoring Report",
        "Assistant Head of Customer Services, Chorley Borough Council",
        date(2007, 3, 6),
    )
    ws = wb.active
    ws.title = OSS_SHEET
    kinds = ("centre", "wrap", "wrap", "centre", "date")
    cols = [Col(h, w, k) for h, w, k in zip(OSS_HEADERS, OSS_WIDTHS, kinds, strict=True)]
    table = TableSheet(ws, cols, OSS_HEADER_ROW, date_format=LONG_DATE)
    table.titles(OSS_TITLE)
    table.header()
    section = None
    for item in _OSS_ITEMS:
        if item["section"] != section:
            section = item["section"]
            table.section(section)
        parts = item["_parts"]
        table.record(
            [item["ref"], item["recommendation"], parts[0], item["status"], item["updated"]]
        )
        for part in parts[1:]:
            table.continuation({3: part})
    last = table.row
    table.empty_rows(OSS_EMPTY_ROWS)
    first = table.first_data_row()
    _dropdown(ws, ",".join(STATUS_VALUES), f"D{first}:D{table.row}", "Status")
    # closed items greyed out, as the officer does by hand
    ws.conditional_formatting.add(
        f"A{first}:E{last}",
        FormulaRule(formula=[f'$D{first}="Closed"'], font=Font(color="808080")),
    )
    table.finish()
    return _save(wb, out_dir / OSS_FILE)


def build_activity(out_dir: Path) -> Path:
    wb = _new_book(
        "Partnership Working - City & County", "Lancaster City Council", date(2010, 2, 1)
    )
    ws = wb.active
    ws.title = ACTIVITY_SHEET
    kinds = ("wrap", "wrap", "wrap", "centre", "date")
    cols = [Col(h, w, k) for h, w, k in zip(ACTIVITY_HEADERS, ACTIVITY_WIDTHS, kinds, strict=True)]
    table = TableSheet(ws, cols, ACTIVITY_HEADER_ROW)
    table.titles(ACTIVITY_TITLE)
    table.header()
    section = None
    for row in ACTIVITY_ROWS:
        if row["section"] != section:
            section = row["section"]
            table.section(section)
        table.record([row[f] for f in ACTIVITY_FIELDS])
    first = table.first_data_row()
    _dropdown(ws, ",".join(STATUS_VALUES), f"D{first}:D{table.row + 50}", "Status")
    table.finish()
    return _save(wb, out_dir / ACTIVITY_FILE)


def build_indicators(out_dir: Path) -> Path:
    wb = _new_book(
        "Performance Indicator Return 2008/09",
        "Performance Team, Lancashire County Council",
        date(2009, 1, 30),
    )
    ws = wb.active
    ws.title = INDICATORS_SHEET
    kinds = (
        "centre",
        "wrap",
        "centre",
        "number",
        "number",
        "number",
        "centre",
        "centre",
        "centre",
        "text",
        "wrap",
    )
    cols = [
        Col(h, w, k) for h, w, k in zip(INDICATORS_HEADERS, INDICATORS_WIDTHS, kinds, strict=True)
    ]
    table = TableSheet(ws, cols, INDICATORS_HEADER_ROW)
    table.titles(INDICATORS_TITLE)
    table.header()
    for row in INDICATOR_ROWS:
        table.record([row[f] for f in INDICATORS_FIELDS])
    first, last = table.first_data_row(), table.row + 50
    _dropdown(ws, f"{HIGHER},{LOWER}", f"G{first}:G{last}", "Polarity")
    _dropdown(ws, ",".join(RAG_VALUES), f"I{first}:I{last}", "RAG")
    _rag_colours(ws, f"I{first}:I{last}")
    table.finish()
    return _save(wb, out_dir / INDICATORS_FILE)


def build_risks(out_dir: Path) -> Path:
    wb = _new_book(
        "Partnership Risk Register", "Customer Services, Chorley Borough Council", date(2007, 3, 6)
    )
    ws = wb.active
    ws.title = RISKS_SHEET
    kinds = (
        "centre",
        "wrap",
        "text",
        "centre",
        "centre",
        "centre",
        "wrap",
        "wrap",
        "centre",
        "date",
    )
    cols = [Col(h, w, k) for h, w, k in zip(RISKS_HEADERS, RISKS_WIDTHS, kinds, strict=True)]
    table = TableSheet(ws, cols, RISKS_HEADER_ROW)
    table.titles(RISKS_TITLE)
    table.header()
    for row in RISK_ROWS:
        table.record([row[f] for f in RISKS_FIELDS])
    first, last = table.first_data_row(), table.row + 50
    _dropdown(ws, ",".join(RISK_CATEGORIES), f"C{first}:C{last}", "Category")
    _dropdown(ws, ",".join(RISK_STATUSES), f"I{first}:I{last}", "Status")
    scale = DataValidation(
        type="whole",
        operator="between",
        formula1="1",
        formula2="5",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Score 1 to 5",
        error="Likelihood and impact are scored 1 (low) to 5 (high).",
    )
    scale.add(f"D{first}:E{last}")
    ws.add_data_validation(scale)
    score = f"F{first}:F{last}"
    for operator, formula, (fill, font) in (
        ("greaterThanOrEqual", ["15"], RAG_STYLES["Red"]),
        ("between", ["8", "14"], RAG_STYLES["Amber"]),
        ("between", ["1", "7"], RAG_STYLES["Green"]),
    ):
        ws.conditional_formatting.add(
            score,
            CellIsRule(
                operator=operator,
                formula=formula,
                fill=PatternFill("solid", fgColor=fill, bgColor=fill),
                font=Font(color=font, bold=True),
            ),
        )
    table.finish()
    return _save(wb, out_dir / RISKS_FILE)


def build(out_dir: Path) -> list[Path]:
    """Write every sample workbook into `out_dir` (returns in its returns/ folder)."""
    out_dir = Path(out_dir)
    paths = [build_master(out_dir)]
    paths += [build_return(out_dir, partner) for partner in DISTRICTS]
    paths += [
        build_one_stop_shop(out_dir),
        build_activity(out_dir),
        build_indicators(out_dir),
        build_risks(out_dir),
    ]
    return paths


if __name__ == "__main__":
    for written in build(HERE):
        print(written.relative_to(HERE.parent) if written.is_relative_to(HERE.parent) else written)
