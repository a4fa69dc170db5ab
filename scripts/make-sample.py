#!/usr/bin/env python3
"""make-sample.py - derive the embedded Focus 2004 registry from shared/data.

The files under workflows/focus2004/registry/ are the facts of
../shared/data rewritten into chancery's registry format (see
docs/repository-format.md). This script is how they were made, so that the
derivation can be read and repeated; its output is committed and the build
never runs it.

What it does to the facts, and nothing more:
  - renames columns to the registry's names and orders them;
  - merges the MTDSG index with the Focus 2004 table (French titles, short
    titles, entry into force, signature clauses);
  - turns the signature notes of the Focus 2004 table into two columns:
    `signature` (yes: the treaty takes signatures, no: it never does) and
    `signature_until` (last day a signature was possible);
  - marks a treaty with participation rows but no signature row at all as
    taking no signature (DOMAIN.md), and leaves treaties without any rows
    unknown (empty);
  - adds Spanish titles (treaty-titles-es.tsv) and, per State, the article
    and number of its names in English, French and Spanish (see ARTICLE_EN);
  - keeps every `#` source note of the input files, and adds one line saying
    what was derived here.

usage: scripts/make-sample.py [SHARED_DATA_DIR] [OUT_DIR]
"""
import csv
import datetime
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "data")
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "workflows", "focus2004", "registry")


def read(name):
    notes, rows = [], []
    with open(os.path.join(SRC, name), encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    body = []
    for line in lines:
        if line.startswith("#") and not body:
            notes.append(line)
        elif line:
            body.append(line)
    header = body[0].split("\t")
    for line in body[1:]:
        cells = next(csv.reader([line], delimiter="\t"))
        cells += [""] * (len(header) - len(cells))
        rows.append(dict(zip(header, cells)))
    return notes, rows


def write(name, notes, derived, columns, rows):
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="") as f:
        for n in notes:
            f.write(n + "\n")
        f.write("# chancery: " + derived + "\n")
        w = csv.writer(f, delimiter="\t", lineterminator="\n",
                       quoting=csv.QUOTE_MINIMAL)
        w.writerow(columns)
        for r in rows:
            w.writerow([r.get(c, "") for c in columns])


# Spanish short names of the States that write in Spanish (the only letters
# that need them): Debian iso-codes 4.15.0, the Spanish translation of
# ISO 3166-1 (its common name where it has one). Present-day ISO forms, not
# checked against the United Nations' Spanish terminology of 2004.
NAMES_ES = {
    "ARG": "Argentina", "BOL": "Bolivia", "CHL": "Chile", "COL": "Colombia",
    "CRI": "Costa Rica", "CUB": "Cuba", "DOM": "República Dominicana",
    "ECU": "Ecuador", "SLV": "El Salvador", "GNQ": "Guinea Ecuatorial",
    "GTM": "Guatemala", "HND": "Honduras", "MEX": "México",
    "NIC": "Nicaragua", "PAN": "Panamá", "PRY": "Paraguay", "PER": "Perú",
    "ESP": "España", "URY": "Uruguay", "VEN": "Venezuela",
}

# The article and grammatical number of each name, per language (letters
# write "the Netherlands has", "les Comores ont", "la Argentina ha").
#
# English: the States whose UNTERM English short name carries "(the)"
# (UNTERM column "UNTERM English Short" of github.com/datasets/country-codes,
# data/country-codes.csv at commit 1055072, the source states-2004.tsv was
# built from; states-2004.tsv drops the suffix). Of the names restored by
# hand to their 2004 form there, LBY (Libyan Arab Jamahiriya) is given "the"
# by the chancery project, following UN usage for that name in 2004 and the
# rule the list shows for descriptive names; CZE keeps its listed "(the)";
# the others (BOL CPV SWZ FJI HUN MMR NPL MKD SCG TUR VEN) take none (MKD's
# name already begins with "The"). UN English treats every name as singular
# ("the Philippines has"), so there is no English number column.
ARTICLE_EN = {
    "BHS", "CAF", "COM", "COG", "CZE", "PRK", "COD", "DOM", "GMB", "VAT",
    "LAO", "MHL", "NLD", "NER", "PHL", "KOR", "MDA", "RUS", "SDN", "ARE",
    "GBR", "TZA", "USA", "LBY",
}
# Spanish: the article of the Spanish short names above, from "UNTERM
# Spanish Short" of the same file ("Argentina (la)", "Ecuador (el)");
# BOL and VEN have present-day UNTERM names, so their 2004 names keep no
# article. None of these names is plural.
ARTICLE_ES = {
    "ARG": "la", "DOM": "la", "ECU": "el", "PRY": "el", "PER": "el",
    "URY": "el",
}

# When a treaty enters into force for a State that deposits after the
# treaty's own entry into force, from each treaty's final clauses (article
# given). Written down from the published texts, not checked against a
# page stored with the data; treaties not listed get no rule.
EIF_RULES = {
    "IV-1": ("90 days", "art. XIII"),
    "IV-2": ("30 days", "art. 19(2)"),
    "IV-3": ("3 months", "art. 27(2)"),
    "IV-4": ("3 months", "art. 49(2)"),
    "IV-5": ("3 months", "art. 9(2)"),
    "IV-12": ("3 months", "art. 8(2)"),
    "IV-8": ("30 days", "art. 27(2)"),
    "IV-8-b": ("3 months", "art. 16(2)"),
    "IV-9": ("30 days", "art. 27(2)"),
    "IV-9-b": ("30 days", "art. 28(2)"),
    "IV-11": ("30 days", "art. 49(2)"),
    "IV-11-b": ("1 month", "art. 10(2)"),
    "IV-11-c": ("1 month", "art. 14(2)"),
    "IV-13": ("first day of the month after 3 months", "art. 87(2)"),
    "XVIII-10": ("first day of the month after 60 days", "art. 126(2)"),
    "XVIII-12": ("30 days", "art. 38(2)"),
    "XVIII-12-a": ("30 days", "art. 17(2)"),
    "XVIII-12-b": ("30 days", "art. 22(2)"),
    "XVIII-12-c": ("30 days", "art. 18(2)"),
    "XVIII-8": ("30 days", "art. 27(2)"),
    "XVIII-13": ("30 days", "art. 35(2)"),
    "V-2": ("90 days", "art. 43(2)"),
    "V-3": ("90 days", "art. 39(2)"),
    "V-4": ("90 days", "art. 18(2)"),
    "V-5": ("on deposit", "art. VIII(2)"),
    "XXVI-2": ("6 months", "art. 5(2)"),
    "VII-11-a": ("90 days", "art. 24"),
}

# denunciation_rule: when a denunciation takes effect, counted from its
# receipt by the Secretary-General ("none": the treaty has no denunciation
# clause; "" where the delay is not a plain one, with the reason in the
# basis). Written down from the published final clauses by the chancery
# project; the sources read are named in the note line below.
DENUNCIATION_RULES = {
    "IV-1": ("", "art. XIV: effect only at the end of the current five-year period, "
             "notified at least six months before it ends: give the day"),
    "IV-2": ("1 year", "art. 21"),
    "IV-3": ("none", "HRC General Comment 26, para. 2"),
    "IV-4": ("none", "HRC General Comment 26, para. 1"),
    "IV-5": ("3 months", "art. 12(1)"),
    "IV-8": ("none", "its final clauses, arts. 25-30, have none"),
    "IV-8-b": ("6 months", "art. 19(1)"),
    "IV-9": ("1 year", "art. 31(1)"),
    "IV-9-b": ("1 year", "art. 33(1)"),
    "IV-11": ("1 year", "art. 52"),
    "IV-11-b": ("1 year", "art. 11(1); later while the State is engaged in armed conflict"),
    "IV-11-c": ("1 year", "art. 15(1)"),
    "IV-12": ("none", "HRC General Comment 26, para. 2"),
    "IV-13": ("", "art. 89: not before five years in force for the State; effect on the "
              "first day of the month after twelve months: give the day"),
    "XVIII-8": ("1 year", "art. 28(2)"),
    "XVIII-10": ("1 year", "art. 127(1); or a later date the notification specifies"),
    "XVIII-12": ("1 year", "art. 40(1)"),
    "XVIII-12-a": ("1 year", "art. 20(1)"),
    "XVIII-12-b": ("1 year", "art. 24(1)"),
    "XVIII-12-c": ("1 year", "art. 20(1)"),
    "XVIII-13": ("", "final clauses not read against a source: give the day"),
    "V-2": ("1 year", "art. 44(2)"),
    "V-3": ("1 year", "art. 40(2)"),
    "V-4": ("1 year", "art. 19(1)"),
    "V-5": ("1 year", "art. IX(2)"),
    "XXVI-2": ("1 year", "art. 9; later while the State is engaged in armed conflict"),
    "XXVI-5": ("6 months", "art. 20(2); later while the State is engaged in armed conflict"),
    "VII-11-a": ("1 year", "art. 25"),
}


def main():
    os.makedirs(OUT, exist_ok=True)

    notes, states = read("states-2004.tsv")
    assert all(s["preferred_language"] != "es" or s["iso3"] in NAMES_ES for s in states)
    notes = notes + ["# name_es: Spanish short names of the States writing in Spanish, from "
                     "Debian iso-codes 4.15.0 (Spanish translation of ISO 3166-1, common "
                     "name where it has one); present-day ISO forms, not checked against "
                     "UN terminology of 2004. Added by the chancery project."]
    notes = notes + ["# article_en: 'the' where the UNTERM English short name carries "
                     "'(the)' (UNTERM English Short, github.com/datasets/country-codes "
                     "data/country-codes.csv, commit 1055072); LBY given 'the' by the "
                     "chancery project (2004 name, UN usage); English names are "
                     "singular. Added by the chancery project.",
                     "# plural_fr: yes where the French short name takes the article "
                     "'les' (from short_name_fr), else no. article_es/plural_es: the "
                     "article of name_es from UNTERM Spanish Short of the same file "
                     "(none for BOL and VEN, whose UNTERM names are of today), plural "
                     "where the article is 'los'/'las' (none is); empty where there "
                     "is no name_es. Added by the chancery project."]
    write("states.tsv", notes,
          "columns renamed from states-2004.tsv (iso3->code, short_name_en->name, "
          "formal_name_en->formal_name, short_name_fr->name_fr, "
          "preferred_language->language, un_member_since->member_since).",
          ["code", "name", "formal_name", "name_fr", "language", "member_since",
           "status", "language_basis", "note", "name_es", "article_en",
           "plural_fr", "article_es", "plural_es"],
          [{"code": s["iso3"], "name": s["short_name_en"],
            "formal_name": s["formal_name_en"], "name_fr": s["short_name_fr"],
            "language": s["preferred_language"],
            "member_since": s["un_member_since"], "status": s["status"],
            "language_basis": s["language_basis"], "note": s["note"],
            "name_es": NAMES_ES.get(s["iso3"], ""),
            "article_en": "the" if s["iso3"] in ARTICLE_EN else "",
            "plural_fr": "yes" if s["short_name_fr"].endswith("(les)") else "no",
            "article_es": ARTICLE_ES.get(s["iso3"], ""),
            "plural_es": "no" if s["iso3"] in NAMES_ES else ""}
           for s in states])
    assert ARTICLE_EN <= {s["iso3"] for s in states}
    assert set(ARTICLE_ES) <= set(NAMES_ES)

    pnotes, part = read("participation-mtdsg-2004-03.tsv")
    write("participation.tsv", pnotes,
          "columns renamed from participation-mtdsg-2004-03.tsv "
          "(iso3->state, mtdsg_id->treaty).",
          ["state", "treaty", "action", "date", "note"],
          [{"state": p["iso3"], "treaty": p["mtdsg_id"], "action": p["action"],
            "date": p["date"], "note": p["note"]} for p in part])

    has_rows, has_sig = set(), set()
    for p in part:
        has_rows.add(p["mtdsg_id"])
        if p["action"] in ("signature", "definitive_signature"):
            has_sig.add(p["mtdsg_id"])

    esnotes, titles_es = read("treaty-titles-es.tsv")
    esby = {t["mtdsg_id"]: t for t in titles_es}
    inotes, index = read("treaties-mtdsg.tsv")
    fnotes, focus = read("treaties-focus2004.tsv")
    fby = {f["mtdsg_id"]: f for f in focus}
    treaties = []
    for t in index:
        tid = t["mtdsg_id"]
        row = {"id": tid, "chapter": t["chapter"], "title": t["title"],
               "place_adopted": t["place_adopted"], "adopted": t["adopted"],
               "entry_into_force": t["entry_into_force"]}
        if tid in has_rows:
            row["signature"] = "yes" if tid in has_sig else "no"
        f = fby.get(tid)
        if f:
            row["title"] = f["full_title_en"]
            row["title_fr"] = f["full_title_fr"]
            row["short_title"] = f["short_title"]
            row["entry_into_force"] = f["entry_into_force"]
            row["parent"] = f["parent_id"]
            row["note"] = f["notes"]
            ofs = f["open_for_signature"]
            if "no signature clause" in f["notes"]:
                row["signature"] = "no"
            else:
                row["signature"] = "yes"
                m = re.search(r"at entry into force (\d{4}-\d{2}-\d{2})", f["notes"])
                if m:
                    d = datetime.date.fromisoformat(m.group(1)) - datetime.timedelta(days=1)
                    row["signature_until"] = d.isoformat()
                else:
                    m = re.search(r"(?:until|closed|to) (\d{4}-\d{2}-\d{2})", ofs + " " + f["notes"])
                    if m:
                        row["signature_until"] = m.group(1)
                    elif ofs.startswith("no"):
                        raise SystemExit("no closing date for " + tid)
        if tid in EIF_RULES:
            row["entry_into_force_rule"] = EIF_RULES[tid][0]
        if tid in DENUNCIATION_RULES:
            row["denunciation_rule"], row["denunciation_basis"] = DENUNCIATION_RULES[tid]
        e = esby.get(tid)
        if e:
            row["title_es"] = e["title_es"]
            row["short_title_es"] = e["short_title_es"]
            row["title_es_source"] = e["source"]
            row["title_es_confidence"] = e["confidence"]
        treaties.append(row)
    assert all(t in {r["id"] for r in treaties} for t in EIF_RULES)
    eif_note = ("# entry_into_force_rule: for a State acting after the treaty is in "
                "force, from the treaty's final clauses (" +
                "; ".join("%s %s" % (k, v[1]) for k, v in EIF_RULES.items()) +
                "); written down from the published texts by the chancery "
                "project, not checked against a page stored with the data; "
                "empty where not given.")
    assert all(f in {t["id"] for t in treaties} for f in fby)
    assert set(DENUNCIATION_RULES) == set(fby)
    den_note = ("# denunciation_rule, denunciation_basis: when a denunciation takes "
                "effect, counted from its receipt, for the Focus 2004 treaties, from their "
                "final clauses (the article in denunciation_basis); 'none' where the treaty "
                "has no denunciation clause, empty where the delay is not a plain one or "
                "was not read. Written down by the chancery project; read against "
                "https://www.dobolp.com/how-a-state-party-to-the-rome-statute-may-withdraw-from-icc/ "
                "(Rome Statute art. 127), https://ls-cts.unog.ch/sites/default/files/2019-05/CCPR_GC_26_ENG-CHI_BT.htm "
                "(HRC General Comment 26: ICCPR and its Second Optional Protocol), "
                "https://hebamusa.blogspot.com/2018/08/what-are-reservations-declarations-and.html "
                "(ICESCR, CEDAW: no denunciation; CRC art. 52) and "
                "https://www.droit-bilingue.ch/fr-it/0.3/0.31/0.311.11-XIV-17.html (Genocide "
                "Convention art. XIV); the others from the published texts, not checked "
                "against a page stored with the data. Empty for every other treaty.")
    assert all(e in {t["id"] for t in treaties} for e in esby)
    es_note = ("# title_es, short_title_es, title_es_source, title_es_confidence: "
               "title_es, short_title_es, source and confidence of "
               "treaty-titles-es.tsv (its notes above); empty for the treaties it "
               "does not cover, whose letters in Spanish give the English title "
               "marked as such.")
    write("treaties.tsv", inotes + fnotes + esnotes + [eif_note, den_note, es_note],
          "treaties-mtdsg.tsv merged with treaties-focus2004.tsv (title, title_fr, "
          "short_title, entry_into_force, parent and note from the latter); "
          "signature/signature_until derived from its open_for_signature and notes "
          "(a closing 'at entry into force' date gives the day before); for other "
          "treaties signature = no where participation has rows but no signature, "
          "yes where it has signatures, empty (unknown) where it has no rows.",
          ["id", "chapter", "title", "title_fr", "short_title", "place_adopted",
           "adopted", "entry_into_force", "signature", "signature_until",
           "parent", "note", "entry_into_force_rule", "denunciation_rule",
           "denunciation_basis", "title_es", "short_title_es", "title_es_source",
           "title_es_confidence"],
          treaties)

    write("featured-focus2004.tsv", fnotes,
          "the featured list of treaties-focus2004.tsv: mtdsg_id->treaty, "
          "with its confidence and evidence.",
          ["treaty", "confidence", "evidence"],
          [{"treaty": f["mtdsg_id"], "confidence": f["confidence"],
            "evidence": f["evidence"]} for f in focus])


if __name__ == "__main__":
    main()
