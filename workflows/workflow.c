/*
 * workflow.c - loading and checking campaign workflows.
 *
 * A workflow file is XML in the namespace urn:chancery:workflow:1. It is
 * refused if it has a DOCTYPE (no DTD or entity is ever processed), then
 * validated against the RELAX NG schema embedded in the library
 * (workflows/workflow.rng, compiled once per process), then checked for
 * what a schema cannot say: exactly one initial state, unique state names,
 * transitions to states that exist ("to nowhere" otherwise), every state
 * reachable from the initial one, guard dates that are real dates. Every
 * problem is reported as "NAME:LINE: what".
 *
 * The embedded shipped workflows (workflows/definitions/NAME.xml) are
 * found by name. A loaded workflow takes one step at a time (wf_step: the
 * first transition whose guards and condition hold; a condition compares
 * what the recipient announced with what it did, and whether it acted).
 * Left out on purpose: replaying a recipient's story, which is the
 * campaign's business (story.c), and day arithmetic (the library's date
 * module).
 */
#include "workflows.h"
#include "../engine/embed.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>

#define NS_WF "urn:chancery:workflow:1"
#define MAX_WORKFLOW ((size_t)4 << 20)

#ifndef CHANCERY_WORKFLOWS_DIR
#error "CHANCERY_WORKFLOWS_DIR must name the workflows folder"
#endif

CHANCERY_EMBED(chancery__workflow_rng, CHANCERY_WORKFLOWS_DIR, "workflow.rng");
CHANCERY_EMBED(chancery__workflow_treaty_event, CHANCERY_WORKFLOWS_DIR, "definitions/treaty-event.xml");

static const struct {
	const char *name;
	const char *xml;
} shipped[] = {
	{ "treaty-event", chancery__workflow_treaty_event },
};

static const char *const shipped_names[] = { "treaty-event", NULL };

const char *const *chancery_workflow_shipped(void)
{
	return shipped_names;
}

typedef struct {
	char *name;
	bool initial, final;
	long line;
} wf_state;


struct chancery_workflow {
	char *name;
	char *title;
	char *source;
	size_t source_size;
	wf_state *states;
	size_t nstates;
	wf_transition *transitions;
	size_t ntransitions;
};

/* ---- the schema, compiled once ------------------------------------------ */

static pthread_once_t schema_once = PTHREAD_ONCE_INIT;
static xmlRelaxNGPtr schema;

static void compile_schema(void)
{
	xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewMemParserCtxt(
		chancery__workflow_rng, (int)strlen(chancery__workflow_rng));

	if (pc) {
		schema = xmlRelaxNGParse(pc);
		xmlRelaxNGFreeParserCtxt(pc);
	}
}

/* ---- diagnostics ---------------------------------------------------------- */

typedef struct {
	const char *name;
	chancery_diagnostic_cb cb;
	void *payload;
	size_t count;
	char first[600];
} diag;

static void problem(diag *d, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(diag *d, long line, const char *fmt, ...)
{
	char msg[500], full[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	snprintf(full, sizeof(full), "%s:%ld: %s", d->name, line, msg);
	if (!d->count)
		snprintf(d->first, sizeof(d->first), "%s", full);
	d->count++;
	if (d->cb && d->count <= 100)
		d->cb(full, d->payload);
}

static void schema_error(void *ctx, xmlErrorPtr e)
{
	diag *d = ctx;
	char msg[400];
	size_t n;

	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "invalid");
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	problem(d, e->line, "%s", msg);
}

/* ---- loading -------------------------------------------------------------- */

void chancery_workflow_free(chancery_workflow *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->nstates; i++)
		chancery_free(w->states[i].name);
	for (size_t i = 0; i < w->ntransitions; i++) {
		chancery_free(w->transitions[i].on);
		chancery_free(w->transitions[i].guards);
		chancery_free(w->transitions[i].letter);
	}
	chancery_free(w->states);
	chancery_free(w->transitions);
	chancery_free(w->name);
	chancery_free(w->title);
	chancery_free(w->source);
	chancery_free(w);
}

static bool is_wf(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns &&
		!strcmp((const char *)n->ns->href, NS_WF) &&
		!strcmp((const char *)n->name, name);
}

static char *prop(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = v ? chancery__strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

static long find_state(const chancery_workflow *w, const char *name)
{
	for (size_t i = 0; i < w->nstates; i++)
		if (!strcmp(w->states[i].name, name))
			return (long)i;
	return -1;
}

/* The states, in document order, the initial one moved first; a second
 * initial state or a name defined twice is a problem. *initial is -1 when
 * there is no initial state. */
static int read_states(chancery_workflow *w, xmlNode *root, diag *d,
	long *initial)
{
	size_t as = 0;

	*initial = -1;
	for (xmlNode *c = root->children; c; c = c->next) {
		wf_state *s;

		if (is_wf(c, "title")) {
			xmlChar *t = xmlNodeGetContent(c);

			chancery_free(w->title);
			w->title = chancery__strdup(t ? (const char *)t : "");
			xmlFree(t);
			if (!w->title)
				return chancery__oom();
		}
		if (!is_wf(c, "state"))
			continue;
		if (chancery__grow((void **)&w->states, &as, w->nstates + 1,
				sizeof(wf_state)) < 0)
			return CHANCERY_ENOMEM;
		s = &w->states[w->nstates];
		memset(s, 0, sizeof(*s));
		if (!(s->name = prop(c, "name")))
			return chancery__oom();
		s->line = xmlGetLineNo(c);
		s->initial = xmlHasProp(c, (const xmlChar *)"initial") != NULL;
		s->final = xmlHasProp(c, (const xmlChar *)"final") != NULL;
		if (find_state(w, s->name) >= 0) {
			problem(d, s->line, "state '%s' is defined twice", s->name);
			chancery_free(s->name);
			continue;
		}
		w->nstates++;
		if (s->initial) {
			if (*initial >= 0)
				problem(d, s->line, "a second initial state '%s' "
					"(the first is '%s')", s->name,
					w->states[*initial].name);
			else
				*initial = (long)w->nstates - 1;
		}
	}
	if (*initial > 0) {
		wf_state tmp = w->states[0];

		w->states[0] = w->states[*initial];
		w->states[*initial] = tmp;
	}
	return 0;
}

/* The date a guard compares with: a campaign date's name or a fixed date. */
static void guard_ref(wf_guard *gd, const char *v, long line, diag *d)
{
	if (!strcmp(v, "letter-date"))
		gd->ref = WR_LETTER;
	else if (!strcmp(v, "deadline"))
		gd->ref = WR_DEADLINE;
	else if (!strcmp(v, "event-start"))
		gd->ref = WR_EVENT_START;
	else if (!strcmp(v, "event-end"))
		gd->ref = WR_EVENT_END;
	else if (chancery_date_parse(&gd->fixed, v) == 0)
		gd->ref = WR_FIXED;
	else
		problem(d, line, "guard date '%s' is not a real date", v);
}

static int read_guard(wf_transition *tr, xmlNode *g, diag *d)
{
	static const char *cmp[] = { "before", "not-after", "after",
		"not-before" };
	wf_guard *gd;
	char *v;

	gd = chancery__realloc(tr->guards, (tr->nguards + 1) * sizeof(wf_guard));
	if (!gd)
		return chancery__oom();
	tr->guards = gd;
	gd = &tr->guards[tr->nguards++];
	memset(gd, 0, sizeof(*gd));
	v = prop(g, "date");
	gd->date = v && !strcmp(v, "received") ? WD_RECEIVED :
		v && !strcmp(v, "deposited") ? WD_DEPOSITED : WD_TODAY;
	chancery_free(v);
	for (int k = 0; k < 4; k++) {
		v = prop(g, cmp[k]);
		if (!v)
			continue;
		gd->cmp = (wf_cmp)k;
		guard_ref(gd, v, xmlGetLineNo(g), d);
		chancery_free(v);
	}
	v = prop(g, "offset");
	gd->offset = v ? atoi(v) : 0;
	chancery_free(v);
	v = prop(g, "unit");
	gd->working_days = v && !strcmp(v, "working-days");
	chancery_free(v);
	return 0;
}

/* A transition's conditions, actions and guards. */
static int read_transition_body(wf_transition *tr, xmlNode *t, diag *d)
{
	int error;

	for (xmlNode *g = t->children; g; g = g->next) {
		char *v;

		if (is_wf(g, "condition")) {
			v = prop(g, "intentions");
			tr->intent = !v ? WI_ANY :
				!strcmp(v, "all-done") ? WI_ALL :
				!strcmp(v, "some-done") ? WI_SOME :
				!strcmp(v, "none-announced") ? WI_NONE_ANNOUNCED :
				WI_NONE;
			chancery_free(v);
			v = prop(g, "deposits");
			tr->deposits = !v ? WP_EITHER :
				!strcmp(v, "any") ? WP_ANY : WP_NONE;
			chancery_free(v);
			continue;
		}
		if (is_wf(g, "action")) {
			chancery_free(tr->letter);
			tr->letter = prop(g, "letter");
			continue;
		}
		if (is_wf(g, "guard") && (error = read_guard(tr, g, d)) < 0)
			return error;
	}
	return 0;
}

/* The transitions of state `fi` (element `c`); one to nowhere or out of
 * a final state is a problem. */
static int read_transitions(chancery_workflow *w, xmlNode *c, long fi,
	size_t *at, diag *d)
{
	int error;

	for (xmlNode *t = c->children; t; t = t->next) {
		char *to;
		long ti;
		wf_transition *tr;

		if (!is_wf(t, "transition"))
			continue;
		to = prop(t, "to");
		ti = to ? find_state(w, to) : -1;
		if (ti < 0) {
			problem(d, xmlGetLineNo(t), "transition to '%s', a "
				"state that is not defined (a transition to "
				"nowhere)", to ? to : "?");
			chancery_free(to);
			continue;
		}
		chancery_free(to);
		if (w->states[fi].final)
			problem(d, xmlGetLineNo(t), "final state '%s' has a "
				"transition", w->states[fi].name);
		if (chancery__grow((void **)&w->transitions, at,
				w->ntransitions + 1, sizeof(wf_transition)) < 0)
			return CHANCERY_ENOMEM;
		tr = &w->transitions[w->ntransitions++];
		memset(tr, 0, sizeof(*tr));
		tr->from = (size_t)fi;
		tr->to = (size_t)ti;
		tr->on = prop(t, "on");
		if (!tr->on)
			return chancery__oom();
		if ((error = read_transition_body(tr, t, d)) < 0)
			return error;
		chancery_error_clear();
	}
	return 0;
}

/* Every state reachable from the initial one, and a way out of every
 * state that is not final. */
static int check_graph(chancery_workflow *w, diag *d)
{
	bool *seen = chancery__calloc(w->nstates, sizeof(bool));
	size_t *queue = chancery__calloc(w->nstates, sizeof(size_t));
	size_t head = 0, tail = 0;

	if (!seen || !queue) {
		chancery_free(seen);
		chancery_free(queue);
		return chancery__oom();
	}
	seen[0] = true;
	queue[tail++] = 0;
	while (head < tail) {
		size_t s = queue[head++];

		for (size_t i = 0; i < w->ntransitions; i++)
			if (w->transitions[i].from == s &&
			    !seen[w->transitions[i].to]) {
				seen[w->transitions[i].to] = true;
				queue[tail++] = w->transitions[i].to;
			}
	}
	for (size_t i = 0; i < w->nstates; i++)
		if (!seen[i])
			problem(d, w->states[i].line, "state '%s' cannot be "
				"reached from the initial state '%s'",
				w->states[i].name, w->states[0].name);
	for (size_t i = 0; i < w->nstates; i++) {
		bool out = false;

		for (size_t k = 0; k < w->ntransitions; k++)
			if (w->transitions[k].from == i)
				out = true;
		if (!out && !w->states[i].final)
			problem(d, w->states[i].line, "state '%s' has no way "
				"out and is not final", w->states[i].name);
	}
	chancery_free(seen);
	chancery_free(queue);
	return 0;
}

static int build(chancery_workflow *w, xmlDoc *doc, diag *d)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	size_t at = 0;
	long initial;
	int error;

	w->name = prop(root, "name");
	if (!w->name)
		return chancery__oom();
	if ((error = read_states(w, root, d, &initial)) < 0)
		return error;
	if (initial < 0) {
		problem(d, xmlGetLineNo(root), "no initial state (mark one "
			"with initial=\"true\")");
		return 0;
	}
	for (xmlNode *c = root->children; c; c = c->next) {
		char *from;
		long fi;

		if (!is_wf(c, "state"))
			continue;
		from = prop(c, "name");
		fi = from ? find_state(w, from) : -1;
		chancery_free(from);
		if (fi < 0 || w->states[fi].line != xmlGetLineNo(c))
			continue;   /* a duplicate, reported above */
		if ((error = read_transitions(w, c, fi, &at, d)) < 0)
			return error;
	}
	return check_graph(w, d);
}

int chancery_workflow_load(chancery_workflow **out, const char *name,
	const char *xml, size_t size, chancery_diagnostic_cb cb, void *payload)
{
	diag d = { name, cb, payload, 0, "" };
	chancery_workflow *w = NULL;
	xmlParserCtxtPtr pc = NULL;
	xmlRelaxNGValidCtxtPtr vc = NULL;
	xmlDoc *doc = NULL;
	int error = 0;

	CHANCERY_ASSERT_ARG(out && name && (xml || !size));
	*out = NULL;
	if (size > MAX_WORKFLOW)
		return chancery__error(CHANCERY_EINVALID,
			"%s: larger than %zu bytes", name, MAX_WORKFLOW);
	if (!chancery__utf8_valid(xml, size, true)) {
		problem(&d, 1, "not UTF-8 text");
		goto report;
	}
	for (size_t i = 0; i + 9 <= size; i++)
		if (!memcmp(xml + i, "<!DOCTYPE", 9) ||
		    !memcmp(xml + i, "<!ENTITY", 8)) {
			problem(&d, 1, "a DOCTYPE or entity declaration "
				"(refused)");
			goto report;
		}
	pthread_once(&schema_once, compile_schema);
	if (!schema) {
		error = chancery__error(CHANCERY_ERROR,
			"the workflow schema does not compile");
		goto done;
	}
	if (!(pc = xmlNewParserCtxt())) {
		error = chancery__oom();
		goto done;
	}
	doc = xmlCtxtReadMemory(pc, xml, (int)size, name, "UTF-8",
		XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlCtxtGetLastError(pc);

		problem(&d, e ? e->line : 1, "%s", e && e->message ?
			e->message : "not well-formed XML");
		goto report;
	}
	if (!(vc = xmlRelaxNGNewValidCtxt(schema))) {
		error = chancery__oom();
		goto done;
	}
	xmlRelaxNGSetValidStructuredErrors(vc, schema_error, &d);
	if (xmlRelaxNGValidateDoc(vc, doc) != 0) {
		if (!d.count)
			problem(&d, 1, "does not follow the workflow schema");
		goto report;
	}
	w = chancery__calloc(1, sizeof(*w));
	if (!w || !(w->source = chancery__strndup(xml, size))) {
		error = chancery__oom();
		goto done;
	}
	w->source_size = size;
	if ((error = build(w, doc, &d)) < 0)
		goto done;
report:
	if (d.count) {
		error = chancery__error(CHANCERY_EINVALID, "%s%s", d.first,
			d.count > 1 ? " (and more problems)" : "");
		goto done;
	}
	*out = w;
	w = NULL;
done:
	chancery_workflow_free(w);
	xmlRelaxNGFreeValidCtxt(vc);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(pc);
	return error;
}

int chancery_workflow_open(chancery_workflow **out, const char *arg,
	chancery_diagnostic_cb cb, void *payload)
{
	size_t n;

	CHANCERY_ASSERT_ARG(out && arg);
	*out = NULL;
	n = strlen(arg);
	if (!strchr(arg, '/') && !(n > 4 && !strcmp(arg + n - 4, ".xml"))) {
		for (size_t i = 0; i < sizeof(shipped) / sizeof(*shipped); i++)
			if (!strcmp(shipped[i].name, arg))
				return chancery_workflow_load(out, arg,
					shipped[i].xml, strlen(shipped[i].xml), cb,
					payload);
		return chancery__error(CHANCERY_ENOTFOUND,
			"no workflow '%s' (shipped: treaty-event; or give a "
			"file path)", arg);
	}
	{
		char *data = NULL;
		size_t size = 0;
		int error = chancery__read_file(&data, &size, arg, MAX_WORKFLOW);

		if (error < 0)
			return error;
		error = chancery_workflow_load(out, arg, data, size, cb, payload);
		chancery_free(data);
		return error;
	}
}

const char *chancery_workflow_name(const chancery_workflow *w)
{
	return w->name;
}

const char *chancery_workflow_title(const chancery_workflow *w)
{
	return w->title ? w->title : "";
}

const char *chancery_workflow_source(const chancery_workflow *w,
	size_t *size)
{
	if (size)
		*size = w->source_size;
	return w->source;
}

size_t chancery_workflow_state_count(const chancery_workflow *w)
{
	return w->nstates;
}

const char *chancery_workflow_state(const chancery_workflow *w, size_t i)
{
	return i < w->nstates ? w->states[i].name : NULL;
}

int chancery_workflow_state_is_final(const chancery_workflow *w, size_t i)
{
	return i < w->nstates && w->states[i].final;
}

size_t chancery_workflow_transition_count(const chancery_workflow *w)
{
	return w->ntransitions;
}

/* ---- evaluation ------------------------------------------------------------ */

size_t wf_transition_count(const chancery_workflow *w)
{
	return w->ntransitions;
}

const wf_transition *wf_transition_at(const chancery_workflow *w, size_t i)
{
	return i < w->ntransitions ? &w->transitions[i] : NULL;
}

/* The date guard `g` compares with, its offset applied. */
static chancery_date guard_ref_date(const wf_guard *g, const wf_dates *dates)
{
	chancery_date ref;

	switch (g->ref) {
	case WR_FIXED: ref = g->fixed; break;
	case WR_LETTER: ref = dates->letter; break;
	case WR_DEADLINE: ref = dates->deadline; break;
	case WR_EVENT_START: ref = dates->event_start; break;
	default: ref = dates->event_end; break;
	}
	/* a result outside 1800..2999 leaves `ref` as it is (no guard of a
	 * real workflow reaches that far) */
	if (g->offset)
		(void)(g->working_days ?
			chancery_date_add_working_days(&ref, &ref, g->offset) :
			chancery_date_add_days(&ref, &ref, g->offset));
	return ref;
}

bool wf_guard_since(chancery_date *out, const wf_transition *t,
	const wf_dates *dates)
{
	bool found = false;

	for (size_t i = 0; i < t->nguards; i++) {
		const wf_guard *g = &t->guards[i];
		chancery_date d;

		if (g->date != WD_TODAY ||
		    (g->cmp != WC_AFTER && g->cmp != WC_NOT_BEFORE))
			continue;
		d = guard_ref_date(g, dates);
		if (g->cmp == WC_AFTER)
			(void)chancery_date_add_days(&d, &d, 1);
		if (!found || chancery_date_cmp(&d, out) > 0)
			*out = d;
		found = true;
	}
	return found;
}

static bool guard_holds(const wf_guard *g, const wf_dates *dates,
	const wf_facts *f)
{
	const chancery_date *x = g->date == WD_TODAY ? f->today :
		g->date == WD_RECEIVED ? f->received : f->deposited;
	chancery_date ref;
	int c;

	if (!x)
		return false;
	ref = guard_ref_date(g, dates);
	c = chancery_date_cmp(x, &ref);
	switch (g->cmp) {
	case WC_BEFORE: return c < 0;
	case WC_NOT_AFTER: return c <= 0;
	case WC_AFTER: return c > 0;
	default: return c >= 0;
	}
}

/* What the recipient announced against what it did: the conditions of
 * the outcomes partition every case (all, some or none of something
 * announced done; nothing announced), and deposits= splits each by
 * whether the State acted at all. */
static bool condition_holds(const wf_transition *t, const wf_facts *f)
{
	bool ok = true;

	switch (t->intent) {
	case WI_ALL: ok = f->announced && f->done >= f->announced; break;
	case WI_SOME: ok = f->done && f->done < f->announced; break;
	case WI_NONE: ok = f->announced && !f->done; break;
	case WI_NONE_ANNOUNCED: ok = !f->announced; break;
	default: break;
	}
	if (t->deposits == WP_ANY)
		ok = ok && f->deposits;
	if (t->deposits == WP_NONE)
		ok = ok && !f->deposits;
	return ok;
}

long wf_step(const chancery_workflow *w, size_t state, const char *event,
	const wf_dates *dates, const wf_facts *f)
{
	for (size_t i = 0; i < w->ntransitions; i++) {
		const wf_transition *t = &w->transitions[i];
		bool ok = t->from == state && !strcmp(t->on, event);

		for (size_t g = 0; ok && g < t->nguards; g++)
			ok = guard_holds(&t->guards[g], dates, f);
		if (ok && condition_holds(t, f))
			return (long)i;
	}
	return -1;
}
