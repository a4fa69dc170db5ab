/*
 * language.c - what a letter writes differently in English, French and
 * Spanish: dates ("1 September 2004", "1er septembre 2004", "1 de
 * septiembre de 2004"), date ranges, French names with their article, the
 * words for the actions a letter invites, and a treaty's titles in the
 * letter's language.
 *
 * Invariant: any language other than fr and es is written in English, so
 * a State whose language the registry does not know still gets a letter;
 * a title the registry does not have in a language is the English one,
 * flagged as such (title_fallback), never passed off as a translation.
 * Left out on purpose: agreement beyond what the data gives (the article
 * and number of a name are registry columns, used by letter_data.c), and
 * any language the shipped templates do not carry.
 */
#include "workflows.h"

#include <string.h>

static const char *const months[3][12] = {
	{ "January", "February", "March", "April", "May", "June", "July",
	  "August", "September", "October", "November", "December" },
	{ "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	  "août", "septembre", "octobre", "novembre", "décembre" },
	{ "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
	  "agosto", "septiembre", "octubre", "noviembre", "diciembre" },
};

int wf_lang_index(const char *l)
{
	return !strcmp(l, "fr") ? 1 : !strcmp(l, "es") ? 2 : 0;
}

void chancery_date_write(char *buf, size_t size, const chancery_date *d,
	const char *language)
{
	int l = wf_lang_index(language ? language : "en");
	const char *m = months[l][(d->month - 1) % 12];

	if (l == 1)
		snprintf(buf, size, "%d%s %s %d", d->day, d->day == 1 ? "er" : "",
			m, d->year);
	else if (l == 2)
		snprintf(buf, size, "%d de %s de %d", d->day, m, d->year);
	else
		snprintf(buf, size, "%d %s %d", d->day, m, d->year);
}

/* "21 to 24 September 2004", "du 21 au 24 septembre 2004",
 * "del 21 al 24 de septiembre de 2004" */
void wf_range_write(char *buf, size_t size, const chancery_date *a,
	const chancery_date *b, const char *language)
{
	int l = wf_lang_index(language);
	char da[64], db[64];

	chancery_date_write(db, sizeof(db), b, language);
	if (a->year == b->year && a->month == b->month)
		snprintf(da, sizeof(da), "%d%s", a->day,
			l == 1 && a->day == 1 ? "er" : "");
	else if (a->year == b->year && l == 2)
		snprintf(da, sizeof(da), "%d de %s", a->day,
			months[2][a->month - 1]);
	else if (a->year == b->year)
		snprintf(da, sizeof(da), "%d%s %s", a->day,
			l == 1 && a->day == 1 ? "er" : "", months[l][a->month - 1]);
	else
		chancery_date_write(da, sizeof(da), a, language);
	if (l == 1)
		snprintf(buf, size, "du %s au %s", da, db);
	else if (l == 2)
		snprintf(buf, size, "del %s al %s", da, db);
	else
		snprintf(buf, size, "%s to %s", da, db);
}

/* "France (la)" -> "la France", "Afghanistan (l')" -> "l'Afghanistan" */
char *wf_french_name(const char *s)
{
	const char *open = strrchr(s, '(');
	size_t n = strlen(s);

	if (!open || n < 3 || s[n - 1] != ')' || open == s)
		return chancery__strdup(s);
	{
		size_t alen = (size_t)(s + n - 1 - open - 1);
		size_t nlen = (size_t)(open - s);

		while (nlen && s[nlen - 1] == ' ')
			nlen--;
		if (alen && open[alen] == '\'')
			return chancery__sprintf("%.*s%.*s", (int)alen, open + 1,
				(int)nlen, s);
		return chancery__sprintf("%.*s %.*s", (int)alen, open + 1,
			(int)nlen, s);
	}
}

const char *wf_action_word(const char *code, const char *lang)
{
	static const char *const words[3][3] = {
		{ "sign", "ratify", "accede to" },
		{ "signer", "ratifier", "adhérer à" },
		{ "firmar", "ratificar", "adherirse a" },
	};
	int a = !strcmp(code, "sign") ? 0 : !strcmp(code, "ratify") ? 1 : 2;

	return words[wf_lang_index(lang)][a];
}

/* "sign by 30 June 2004, or accede to it at the event": signature closes
 * between the letter and the event (DOMAIN.md, the personalization rule) */
void wf_sign_or_accede(char *buf, size_t size, const chancery_date *until,
	const char *lang)
{
	static const char *const forms[3] = {
		"sign by %s, or accede to it at the event",
		"signer d\u2019ici le %s, ou y adh\u00e9rer lors de la manifestation",
		"firmar a m\u00e1s tardar el %s, o adherirse durante el evento",
	};
	char d[64];

	chancery_date_write(d, sizeof(d), until, lang);
	snprintf(buf, size, forms[wf_lang_index(lang)], d);
}

static const char *const lang_codes[3] = { "en", "fr", "es" };

void wf_treaty_json(json_t *e, const chancery_treaty *t, const char *lang)
{
	int l = wf_lang_index(lang);
	const char *title = l == 1 ? t->title_fr : l == 2 ? t->title_es :
		t->title;
	const char *shrt = l == 0 ? t->short_title : l == 2 ?
		t->short_title_es : "";
	bool tfall = !title || !*title, sfall = !shrt || !*shrt;

	json_object_set_new(e, "id", wf_jstr(t->id));
	json_object_set_new(e, "title", wf_jstr(tfall ? t->title : title));
	json_object_set_new(e, "title_language",
		wf_jstr(lang_codes[tfall ? 0 : l]));
	json_object_set_new(e, "title_fallback", json_boolean(tfall && l));
	/* an English letter without a short title names the treaty by its
	 * id, as it always has: that is no stand-in */
	json_object_set_new(e, "short_title", wf_jstr(!sfall ? shrt :
		t->short_title[0] ? t->short_title : t->id));
	json_object_set_new(e, "short_title_fallback",
		json_boolean(sfall && l));
}

/* The name of a binding action of the registry's vocabulary, as the annex
 * writes it ("Parte (ratificación, ...)"); an action it does not know is
 * its code with spaces. */
void wf_action_name(char *buf, size_t size, const char *code,
	const char *lang)
{
	static const char *const names[][4] = {
		{ "ratification", "ratification", "ratification", "ratificación" },
		{ "accession", "accession", "adhésion", "adhesión" },
		{ "acceptance", "acceptance", "acceptation", "aceptación" },
		{ "approval", "approval", "approbation", "aprobación" },
		{ "succession", "succession", "succession", "sucesión" },
		{ "consent_to_be_bound", "consent to be bound",
		  "consentement à être lié", "consentimiento en obligarse" },
		{ "definitive_signature", "definitive signature",
		  "signature définitive", "firma definitiva" },
		{ "participation", "participation", "participation",
		  "participación" },
		{ "simplified_procedure", "simplified procedure",
		  "procédure simplifiée", "procedimiento simplificado" },
	};
	int l = wf_lang_index(lang);

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (!strcmp(code, names[i][0])) {
			snprintf(buf, size, "%s", names[i][1 + l]);
			return;
		}
	snprintf(buf, size, "%s", code);
	for (char *c = buf; *c; c++)
		if (*c == '_')
			*c = ' ';
}
