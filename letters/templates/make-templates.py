#!/usr/bin/env python3
"""make-templates.py - write the shipped letter templates (ODT) of chancery.

usage: letters/templates/make-templates.py [OUTDIR]   (default: this folder)

The templates are Mustache-in-ODT documents laid out like formal letters:
letterhead, date and reference, salutation, body, table, closing and
signature block, and for the invitation an annex. The wording is ours. The
data each template reads is docs/template-data.md. The packages are written
byte for byte the same every time (fixed timestamps, fixed order), and a
test checks that the committed files are what this script writes.

Each template opens in LibreOffice and can be edited there like any letter;
a template edited in Writer stays a valid template (chancery finds tags that
Writer split across spans).
"""
import os
import sys
import zipfile
from xml.sax.saxutils import escape

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
os.makedirs(OUT, exist_ok=True)
STAMP = (2004, 3, 12, 9, 0, 0)

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
      'office:version="1.3"')

STYLES = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {ns}>
<office:font-face-decls>
<style:font-face style:name="Liberation Serif" svg:font-family="'Liberation Serif'" style:font-family-generic="roman" style:font-pitch="variable"/>
</office:font-face-decls>
<office:styles>
<style:default-style style:family="paragraph"><style:paragraph-properties fo:hyphenation-ladder-count="no-limit"/><style:text-properties style:font-name="Liberation Serif" fo:font-size="12pt" fo:language="{lang}" fo:country="{country}" fo:hyphenate="false"/></style:default-style>
<style:style style:name="Standard" style:family="paragraph" style:class="text"/>
<style:style style:name="Letterhead" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.1cm"/><style:text-properties fo:font-size="11pt" fo:font-weight="bold" fo:letter-spacing="0.05cm"/></style:style>
<style:style style:name="Office" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.8cm"/><style:text-properties fo:font-size="10pt" fo:font-variant="small-caps"/></style:style>
<style:style style:name="Date" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="end"/></style:style>
<style:style style:name="Reference" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-bottom="0.6cm"/><style:text-properties fo:font-size="10pt"/></style:style>
<style:style style:name="Salutation" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-bottom="0.4cm"/></style:style>
<style:style style:name="Body" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="justify" fo:text-indent="1cm" fo:margin-bottom="0.3cm" fo:line-height="115%"/></style:style>
<style:style style:name="Closing" style:family="paragraph" style:parent-style-name="Body"><style:paragraph-properties fo:margin-top="0.3cm" fo:margin-bottom="1.5cm"/></style:style>
<style:style style:name="Signature" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-left="9cm"/></style:style>
<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="center" fo:margin-top="0.3cm" fo:margin-bottom="0.3cm"/><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.5cm"/><style:text-properties fo:font-style="italic"/></style:style>
<style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph" style:parent-style-name="Standard"><style:text-properties fo:font-size="10pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" style:parent-style-name="Standard"><style:text-properties fo:font-size="10pt"/></style:style>
<style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="8pt"/></style:style>
</office:styles>
<office:automatic-styles>
<style:page-layout style:name="PL"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="1.5cm" fo:margin-left="2.5cm" fo:margin-right="2.5cm"/><style:footer-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-top="0.4cm"/></style:footer-style></style:page-layout>
</office:automatic-styles>
<office:master-styles>
<style:master-page style:name="Standard" style:page-layout-name="PL"><style:footer><text:p text:style-name="Footer">{footer}</text:p></style:footer></style:master-page>
</office:master-styles>
</office:document-styles>
"""

CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {ns}>
<office:automatic-styles>
<style:style style:name="Tbl" style:family="table"><style:table-properties style:width="16cm" table:align="margins" fo:margin-top="0.2cm" fo:margin-bottom="0.4cm"/></style:style>
<style:style style:name="Tt.A" style:family="table-column"><style:table-column-properties style:column-width="9.5cm"/></style:style>
<style:style style:name="Tt.B" style:family="table-column"><style:table-column-properties style:column-width="3.5cm"/></style:style>
<style:style style:name="Tt.C" style:family="table-column"><style:table-column-properties style:column-width="3cm"/></style:style>
<style:style style:name="Tr.A" style:family="table-column"><style:table-column-properties style:column-width="2.5cm"/></style:style>
<style:style style:name="Tr.B" style:family="table-column"><style:table-column-properties style:column-width="9cm"/></style:style>
<style:style style:name="Tr.C" style:family="table-column"><style:table-column-properties style:column-width="4.5cm"/></style:style>
<style:style style:name="Tbl.H" style:family="table-cell"><style:table-cell-properties fo:background-color="#e6e6e6" fo:padding="0.08cm" fo:border="0.5pt solid #000000"/></style:style>
<style:style style:name="Tbl.D" style:family="table-cell"><style:table-cell-properties fo:padding="0.08cm" fo:border="0.5pt solid #000000"/></style:style>
<style:style style:name="PB" style:family="paragraph" style:parent-style-name="Title"><style:paragraph-properties fo:break-before="page"/></style:style>
</office:automatic-styles>
<office:body><office:text>
{body}
</office:text></office:body></office:document-content>
"""

META = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta {ns}><office:meta><meta:generator>chancery make-templates.py</meta:generator><dc:title>{title}</dc:title><dc:language>{lang}</dc:language></office:meta></office:document-meta>
"""

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


def p(style, text):
    """A paragraph; `text` is already XML (tags are plain text in it)."""
    return '<text:p text:style-name="%s">%s</text:p>' % (style, text)


def t(s):
    return escape(s)


def table(headings, cells, section, cols_style="Tt"):
    """A table with a heading row and one row repeated per item of
    `section`: its first cell opens the section, its last closes it."""
    cols = "".join('<table:table-column table:style-name="%s.%s"/>' % (cols_style, c)
                   for c in "ABC")
    head = "".join('<table:table-cell table:style-name="Tbl.H" office:value-type="string">%s</table:table-cell>'
                   % p("Table_20_Heading", t(h)) for h in headings)
    row = []
    for i, c in enumerate(cells):
        text = c
        if i == 0:
            text = "{{#%s}}" % section + text
        if i == len(cells) - 1:
            text = text + "{{/%s}}" % section
        row.append('<table:table-cell table:style-name="Tbl.D" office:value-type="string">%s</table:table-cell>'
                   % p("Table_20_Contents", text))
    return ('<table:table table:name="T%s" table:style-name="Tbl">%s'
            '<table:table-header-rows><table:table-row>%s</table:table-row></table:table-header-rows>'
            '<table:table-row>%s</table:table-row></table:table>' % (section, cols, head, "".join(row)))


def letterhead(office):
    return (p("Letterhead", "UNITED NATIONS<text:tab/><text:tab/>NATIONS UNIES") +
            p("Office", t(office)))


def opening(w):
    return (p("Date", "{{letter.date}}") +
            p("Reference", t(w["ref"]) + " {{letter.reference}}") +
            p("Salutation", t(w["excellency"])))


def closing(w):
    return (p("Closing", t(w["closing"])) +
            p("Signature", "Kofi A. Annan") + p("Signature", t(w["sg"])))


# What a letter says where the data has no text in its language and the
# English one stands in (title_fallback): the reader sees it is English.
def marked(field, flag, note):
    return "%s{{#%s}} (%s){{/%s}}" % (field, flag, note, flag)


WORDS = {
    "en": {
        "lang": ("en", "GB"), "office": "The Secretary-General", "ref": "Reference:",
        "excellency": "Excellency,", "sg": "Secretary-General",
        "closing": "Accept, Excellency, the assurances of my highest consideration.",
        "cols": ("Treaty", "Reference", "Action"),
        "review_cols": ("Reference", "Treaty", "Status"),
        "footer": "Reference {{letter.reference}}",
        "invitation": [
            "I have the honour to invite {{state.formal_name}} to take part in the treaty event "
            "\u201c{{campaign.title}}\u201d, which will be held at United Nations Headquarters in "
            "New York from {{campaign.event.dates}}, during the general debate of the "
            "fifty-ninth session of the General Assembly.",
            "The event gives every State the occasion to sign, ratify or accede to the "
            "multilateral treaties deposited with the Secretary-General. This year it is "
            "devoted to the treaties that protect civilians.",
        ],
        "invitation_some": "According to the records of the depositary, {{state.name}} has not "
            "yet taken the following actions regarding the featured treaties. I invite your "
            "Government to consider taking them during the event:",
        "invitation_none": "I note with appreciation that {{state.name}} is already a party to "
            "all the featured treaties, and I hope that your Government will consider the "
            "other treaties deposited with me.",
        "invitation_end": [
            "I should be grateful if your Government would inform me, by {{campaign.deadline}}, "
            "of the actions it intends to take during the event, so that the necessary "
            "arrangements can be made. Actions concerning any other treaty deposited with me "
            "are equally welcome; the annex to this letter reviews your country\u2019s "
            "participation in those treaties.",
            "The Treaty Section of the Office of Legal Affairs stands ready to provide technical "
            "assistance and training to States that need help in implementing treaties.",
        ],
        "annex": "Annex",
        "annex_sub": "Participation of {{state.name}} in the treaties deposited with the "
            "Secretary-General, as of {{letter.date}}",
        "reminder": [
            "I wish to refer to my letter of {{invitation.date}} (reference "
            "{{invitation.reference}}) inviting {{state.formal_name}} to take part in the treaty "
            "event \u201c{{campaign.title}}\u201d, to be held in New York from "
            "{{campaign.event.dates}}.",
            "I have not yet received the reply of your Government, which I had requested by "
            "{{campaign.deadline}}. I should be grateful to learn, at your earliest convenience, "
            "which treaty actions your Government intends to take during the event.",
        ],
        "reminder_some": "As a reminder, the featured treaties for which an action by "
            "{{state.name}} is awaited are the following:",
        "ack": [
            "I have the honour to acknowledge receipt of the communication of your Government, "
            "received on {{reply.received}}, concerning the treaty event "
            "\u201c{{campaign.title}}\u201d.",
        ],
        "ack_some": "I note that your Government intends to take the following actions:",
        "ack_none": "I thank your Government for its reply, and note that it does not intend "
            "to take treaty actions at this time.",
        "ack_end": "The Treaty Section of the Office of Legal Affairs will contact your "
            "Permanent Mission to make the necessary arrangements.",
    },
    "fr": {
        "lang": ("fr", "FR"), "english": "titre en anglais", "office": "Le Secrétaire général", "ref": "Référence :",
        "excellency": "Excellence,", "sg": "Secrétaire général",
        "closing": "Je vous prie d\u2019agréer, Excellence, les assurances de ma très haute "
            "considération.",
        "cols": ("Traité", "Référence", "Action"),
        "review_cols": ("Référence", "Traité", "Situation"),
        "footer": "Référence {{letter.reference}}",
        "invitation": [
            "J\u2019ai l\u2019honneur d\u2019inviter {{state.formal_name}} à participer à la "
            "manifestation conventionnelle \u00ab\u00a0{{campaign.title}}\u00a0\u00bb, qui se "
            "tiendra au Siège de l\u2019Organisation des Nations Unies à New York "
            "{{campaign.event.dates}}, pendant le débat général de la cinquante-neuvième "
            "session de l\u2019Assemblée générale.",
            "Cette manifestation offre à chaque État l\u2019occasion de signer ou de ratifier "
            "les traités multilatéraux déposés auprès du Secrétaire général, ou d\u2019y "
            "adhérer. Elle est consacrée cette année aux traités qui protègent les civils.",
        ],
        "invitation_some": "D\u2019après les registres du dépositaire, {{state.name}} "
            "{{#state.plural}}n\u2019ont{{/state.plural}}{{^state.plural}}n\u2019a{{/state.plural}} "
            "pas encore accompli les actions suivantes à l\u2019égard des traités présentés. "
            "J\u2019invite votre gouvernement à envisager de les accomplir lors de la "
            "manifestation\u00a0:",
        "invitation_none": "Je note avec satisfaction que {{state.name}} "
            "{{#state.plural}}sont déjà parties{{/state.plural}}{{^state.plural}}est déjà "
            "partie{{/state.plural}} à tous les traités présentés, et j\u2019espère que votre gouvernement envisagera les "
            "autres traités déposés auprès de moi.",
        "invitation_end": [
            "Je vous serais reconnaissant de bien vouloir me faire savoir, d\u2019ici le "
            "{{campaign.deadline}}, quelles actions votre gouvernement compte accomplir lors "
            "de la manifestation, afin que les dispositions nécessaires puissent être prises. "
            "Les actions relatives à tout autre traité déposé auprès de moi sont également "
            "bienvenues\u00a0; l\u2019annexe à la présente lettre récapitule la participation "
            "de votre pays à ces traités.",
            "La Section des traités du Bureau des affaires juridiques se tient prête à fournir "
            "une assistance technique et une formation aux États qui en ont besoin pour mettre "
            "en \u0153uvre les traités.",
        ],
        "annex": "Annexe",
        "annex_sub": "Participation de votre pays aux traités déposés auprès du Secrétaire "
            "général, au {{letter.date}}",
        "reminder": [
            "Je me réfère à ma lettre du {{invitation.date}} (référence "
            "{{invitation.reference}}) invitant {{state.formal_name}} à participer à la "
            "manifestation conventionnelle \u00ab\u00a0{{campaign.title}}\u00a0\u00bb, qui se "
            "tiendra à New York {{campaign.event.dates}}.",
            "Je n\u2019ai pas encore reçu la réponse de votre gouvernement, que j\u2019avais "
            "sollicitée pour le {{campaign.deadline}}. Je vous serais reconnaissant de me faire "
            "savoir dès que possible quelles actions votre gouvernement compte accomplir lors "
            "de la manifestation.",
        ],
        "reminder_some": "Pour mémoire, les traités présentés pour lesquels une action de votre "
            "pays est attendue sont les suivants\u00a0:",
        "ack": [
            "J\u2019ai l\u2019honneur d\u2019accuser réception de la communication de votre "
            "gouvernement, reçue le {{reply.received}}, relative à la manifestation "
            "conventionnelle \u00ab\u00a0{{campaign.title}}\u00a0\u00bb.",
        ],
        "ack_some": "Je note que votre gouvernement compte accomplir les actions suivantes\u00a0:",
        "ack_none": "Je remercie votre gouvernement de sa réponse et prends note qu\u2019il "
            "n\u2019envisage pas d\u2019action conventionnelle pour le moment.",
        "ack_end": "La Section des traités du Bureau des affaires juridiques prendra contact "
            "avec votre mission permanente afin de prendre les dispositions nécessaires.",
    },
    "es": {
        "lang": ("es", "ES"), "english": "título en inglés", "office": "El Secretario General", "ref": "Referencia:",
        "excellency": "Excelencia:", "sg": "Secretario General",
        "closing": "Aprovecho la oportunidad para reiterar a Vuestra Excelencia el testimonio "
            "de mi más alta consideración.",
        "cols": ("Tratado", "Referencia", "Acción"),
        "review_cols": ("Referencia", "Tratado", "Situación"),
        "footer": "Referencia {{letter.reference}}",
        "invitation": [
            "Tengo el honor de invitar a {{state.formal_name}} a participar en el evento sobre "
            "tratados \u00ab{{campaign.title}}\u00bb, que se celebrará en la Sede de las "
            "Naciones Unidas en Nueva York {{campaign.event.dates}}, durante el debate general "
            "del quincuagésimo noveno período de sesiones de la Asamblea General.",
            "El evento ofrece a todos los Estados la ocasión de firmar o ratificar los tratados "
            "multilaterales depositados en poder del Secretario General, o de adherirse a "
            "ellos. Este año está dedicado a los tratados que protegen a la población civil.",
        ],
        "invitation_some": "Según los registros del depositario, {{state.name}}"
            "{{#state.name_fallback}} (nombre en inglés){{/state.name_fallback}} aún no "
            "{{#state.plural}}han{{/state.plural}}{{^state.plural}}ha{{/state.plural}} "
            "realizado las siguientes acciones respecto de los tratados destacados. Invito a su "
            "Gobierno a considerar la posibilidad de realizarlas durante el evento:",
        "invitation_none": "Observo con satisfacción que {{state.name}}"
            "{{#state.name_fallback}} (nombre en inglés){{/state.name_fallback}} ya "
            "{{#state.plural}}son partes{{/state.plural}}{{^state.plural}}es "
            "parte{{/state.plural}} en todos los tratados destacados, y espero que su Gobierno considere los demás tratados "
            "depositados en mi poder.",
        "invitation_end": [
            "Le agradecería que su Gobierno me comunicara, a más tardar el "
            "{{campaign.deadline}}, las acciones que tiene previsto realizar durante el "
            "evento, a fin de que puedan adoptarse las disposiciones necesarias. Las acciones "
            "relativas a cualquier otro tratado depositado en mi poder también serán "
            "bienvenidas; en el anexo de la presente carta figura un resumen de la "
            "participación de su país en esos tratados.",
            "La Sección de Tratados de la Oficina de Asuntos Jurídicos está dispuesta a prestar "
            "asistencia técnica y capacitación a los Estados que la necesiten para aplicar los "
            "tratados.",
        ],
        "annex": "Anexo",
        "annex_sub": "Participación de su país en los tratados depositados en poder del "
            "Secretario General, al {{letter.date}}",
        "reminder": [
            "Me refiero a mi carta de {{invitation.date}} (referencia "
            "{{invitation.reference}}), en la que invitaba a {{state.formal_name}} a participar "
            "en el evento sobre tratados \u00ab{{campaign.title}}\u00bb, que se celebrará en "
            "Nueva York {{campaign.event.dates}}.",
            "Aún no he recibido la respuesta de su Gobierno, que había solicitado para el "
            "{{campaign.deadline}}. Le agradecería que me comunicara a la mayor brevedad "
            "posible las acciones que su Gobierno tiene previsto realizar durante el evento.",
        ],
        "reminder_some": "Le recuerdo que los tratados destacados respecto de los cuales se "
            "espera una acción de su país son los siguientes:",
        "ack": [
            "Tengo el honor de acusar recibo de la comunicación de su Gobierno, recibida el "
            "{{reply.received}}, relativa al evento sobre tratados \u00ab{{campaign.title}}\u00bb.",
        ],
        "ack_some": "Tomo nota de que su Gobierno tiene previsto realizar las siguientes acciones:",
        "ack_none": "Agradezco a su Gobierno su respuesta y tomo nota de que no tiene previsto "
            "realizar acciones relativas a tratados por el momento.",
        "ack_end": "La Sección de Tratados de la Oficina de Asuntos Jurídicos se pondrá en "
            "contacto con su Misión Permanente para adoptar las disposiciones necesarias.",
    },
}

# The campaign's title in French and Spanish letters: the English one,
# marked, where the campaign has none in the language.
QUOTED = {"fr": "\u00ab\u00a0{{campaign.title}}\u00a0\u00bb", "es": "\u00ab{{campaign.title}}\u00bb"}
for _lang, _q in QUOTED.items():
    _w = WORDS[_lang]
    _m = _q + "{{#campaign.title_fallback}} (%s){{/campaign.title_fallback}}" % _w["english"]
    for _k, _v in _w.items():
        if isinstance(_v, str):
            _w[_k] = _v.replace(_q, _m)
        elif isinstance(_v, list):
            _w[_k] = [x.replace(_q, _m) for x in _v]

TREATY_CELLS = ("{{title}} ({{short_title}})", "{{id}}", "{{action}}")


def treaty_cells(w):
    """English: title (short title). French, Spanish: the title, marked when
    it is the English one; the short title only where the language has one."""
    if "english" not in w:
        return TREATY_CELLS
    return ("{{title}}{{#title_fallback}} (%s){{/title_fallback}}"
            "{{^short_title_fallback}} ({{short_title}}){{/short_title_fallback}}"
            % w["english"], "{{id}}", "{{action}}")


def review_title(w):
    if "english" not in w:
        return "{{title}}"
    return "{{title}}{{#title_fallback}} (%s){{/title_fallback}}" % w["english"]


def invitation(w):
    body = letterhead(w["office"]) + opening(w)
    body += "".join(p("Body", t(x)) for x in w["invitation"])
    body += p("Standard", "{{#treaties_count}}")
    body += p("Body", t(w["invitation_some"]))
    body += table(w["cols"], treaty_cells(w), "treaties")
    body += p("Standard", "{{/treaties_count}}")
    body += p("Standard", "{{^treaties_count}}")
    body += p("Body", t(w["invitation_none"]))
    body += p("Standard", "{{/treaties_count}}")
    body += "".join(p("Body", t(x)) for x in w["invitation_end"])
    body += closing(w)
    body += '<text:p text:style-name="PB">%s</text:p>' % t(w["annex"])
    body += p("Subtitle", t(w["annex_sub"]))
    body += table(w["review_cols"], ("{{id}}", review_title(w), "{{status_text}}"), "review",
                  "Tr")
    return body


def reminder(w):
    body = letterhead(w["office"]) + opening(w)
    body += "".join(p("Body", t(x)) for x in w["reminder"])
    body += p("Standard", "{{#treaties_count}}")
    body += p("Body", t(w["reminder_some"]))
    body += table(w["cols"], treaty_cells(w), "treaties")
    body += p("Standard", "{{/treaties_count}}")
    body += closing(w)
    return body


def acknowledgment(w):
    body = letterhead(w["office"]) + opening(w)
    body += "".join(p("Body", t(x)) for x in w["ack"])
    body += p("Standard", "{{#intentions_count}}")
    body += p("Body", t(w["ack_some"]))
    body += table(w["cols"], treaty_cells(w), "intentions")
    body += p("Body", t(w["ack_end"]))
    body += p("Standard", "{{/intentions_count}}")
    body += p("Standard", "{{^intentions_count}}")
    body += p("Body", t(w["ack_none"]))
    body += p("Standard", "{{/intentions_count}}")
    body += closing(w)
    return body


def notification(w):
    body = letterhead("Office of Legal Affairs \u00b7 Treaty Section")
    body += p("Date", "{{notification.reference}}")
    body += p("Reference", "Depositary Notification")
    body += p("Title", "{{treaty.title}}")
    body += p("Subtitle", "{{treaty.place_adopted}}, {{treaty.adopted}}")
    body += p("Title", "{{state.name_upper}}: {{action.name_upper}}")
    body += p("Body", "The Secretary-General of the United Nations, acting in his capacity "
              "as depositary, communicates the following:")
    body += p("Body", "The above action was effected on {{action.date}}.")
    # the act itself (docs/archive.md, "The vocabulary"): what the State did,
    # the text it communicated, and for a denunciation when it takes effect
    body += p("Body", "{{#action.statement}}{{action.statement}}{{/action.statement}}")
    body += p("Body", "{{#action.article}}Article concerned: {{action.article}}."
              "{{/action.article}}")
    body += p("Body", "{{#action.text}}Text: {{action.text}}{{/action.text}}")
    body += p("Body", "{{#entry_into_force}}The {{treaty.short_title}} will enter into force "
              "for {{state.name}} on {{entry_into_force}}, in accordance with its "
              "provisions.{{/entry_into_force}}")
    body += p("Date", "{{notification.date}}")
    return body


def correction(w):
    """The correction notification a void of a deposit circulates: the earlier
    notification was issued in error (archive/void.c gives the data)."""
    body = letterhead("Office of Legal Affairs \u00b7 Treaty Section")
    body += p("Date", "{{notification.reference}}")
    body += p("Reference", "Depositary Notification")
    body += p("Title", "{{treaty.title}}")
    body += p("Subtitle", "{{treaty.place_adopted}}, {{treaty.adopted}}")
    body += p("Title", "{{state.name_upper}}: {{action.name_upper}}: CORRECTION")
    body += p("Body", "The Secretary-General of the United Nations, acting in his capacity "
              "as depositary, communicates the following:")
    body += p("Body", "Depositary notification {{corrected.reference}}, concerning the "
              "{{action.name_lower}} by {{state.name}} of the above treaty on "
              "{{action.date}}, was issued in error and is to be disregarded. The "
              "action it announced was not effected.")
    body += p("Body", "{{#reason}}Reason: {{reason}}{{/reason}}")
    body += p("Date", "{{notification.date}}")
    return body


def write(name, lang, body, title, footer):
    code, country = lang
    parts = [
        ("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED),
        ("META-INF/manifest.xml", MANIFEST, zipfile.ZIP_DEFLATED),
        ("content.xml", CONTENT.format(ns=NS, body=body),
         zipfile.ZIP_DEFLATED),
        ("styles.xml", STYLES.format(ns=NS, lang=code, country=country, footer=footer),
         zipfile.ZIP_DEFLATED),
        ("meta.xml", META.format(ns=NS, title=t(title), lang=code), zipfile.ZIP_DEFLATED),
    ]
    with zipfile.ZipFile(os.path.join(OUT, name), "w") as z:
        for entry, data, how in parts:
            info = zipfile.ZipInfo(entry, date_time=STAMP)
            info.compress_type = how
            info.create_system = 3
            info.external_attr = 0o644 << 16
            z.writestr(info, data.encode("utf-8"))


def main():
    for lang, w in WORDS.items():
        write("invitation-%s.odt" % lang, w["lang"], invitation(w),
              "{{campaign.title}}: {{state.name}}", w["footer"])
        write("reminder-%s.odt" % lang, w["lang"], reminder(w),
              "{{campaign.title}}: {{state.name}}", w["footer"])
        write("acknowledgment-%s.odt" % lang, w["lang"], acknowledgment(w),
              "{{campaign.title}}: {{state.name}}", w["footer"])
    write("notification-en.odt", ("en", "GB"), notification(WORDS["en"]),
          "{{notification.reference}}", "{{notification.reference}}")
    write("correction-en.odt", ("en", "GB"), correction(WORDS["en"]),
          "{{notification.reference}}", "{{notification.reference}}")


if __name__ == "__main__":
    main()
