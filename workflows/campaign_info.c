/*
 * campaign_info.c - the campaigns of a repository, listed and shown, and a
 * campaign closed.
 *
 * A listing or a showing is JSON text ({"version": 1, "campaigns": [...]}
 * or {"version": 1, "campaign": {...}}), each campaign what campaign.txt
 * says (id, title, workflow, dates, where its featured list came from,
 * whether it is closed), its featured treaties, its templates and how many
 * recipients and letters it has (docs/commands/campaign.md lists the
 * keys), read from the branch head. Closing is one commit, event "close",
 * that adds campaigns/ID/closed.txt ("Closed: DATE"; nothing recorded is
 * rewritten): a closed campaign generates no more letters or reminders
 * (wf_open_check) and still records replies.
 *
 * Invariants: a campaign is closed once, on a day that has come and not
 * before its letters; everything read from the tree is checked by
 * wf_context_load before it is shown. Left out on purpose: reopening
 * (a new campaign is opened instead) and any change to what was opened.
 */
#include "workflows.h"

#include <string.h>

static json_t *jdate(const chancery_date *d)
{
	char b[11];

	if (!d->year)
		return json_null();
	chancery_date_format(b, sizeof(b), d);
	return json_string(b);
}

/* The names of the campaign's templates (KIND-LANG), in the tree's order. */
static int template_cb(const chancery_entry *e, void *payload)
{
	size_t n = strlen(e->name);

	if (n > 4 && !strcmp(e->name + n - 4, ".odt"))
		json_array_append_new(payload, json_stringn(e->name, n - 4));
	return 0;
}

/* One campaign as JSON, from `tree`. */
static int campaign_json(json_t **out, chancery_repository *repo,
	const chancery_tree *tree, const char *id)
{
	context x;
	json_t *c = NULL, *ev, *feat, *tpl;
	char path[200];
	size_t letters = 0, superseded = 0;
	int error;

	*out = NULL;
	if ((error = wf_context_load(&x, repo, tree, id)) < 0)
		goto done;
	c = json_object();
	ev = json_object();
	feat = json_array();
	tpl = json_array();
	if (!c || !ev || !feat || !tpl) {
		json_decref(ev);
		json_decref(feat);
		json_decref(tpl);
		error = chancery__oom();
		goto done;
	}
	for (size_t i = 0; i < x.nfeat; i++)
		json_array_append_new(feat, json_string(x.featured[i]));
	for (size_t i = 0; i < x.nrec; i++) {
		letters += x.letter[i] > 0;
		superseded += x.letter[i] > 1 ? x.letter[i] - 1 : 0;
	}
	snprintf(path, sizeof(path), "campaigns/%s/templates", id);
	if (chancery__tree_foreach(tree, path, template_cb, tpl) < 0)
		chancery_error_clear(); /* no templates folder: none */
	json_object_set_new(c, "id", json_string(x.c.id));
	json_object_set_new(c, "title", json_string(x.c.title));
	json_object_set_new(c, "workflow", json_string(x.c.workflow));
	json_object_set_new(c, "state", json_string(x.c.closed.year ?
		"closed" : "open"));
	json_object_set_new(c, "closed", jdate(&x.c.closed));
	json_object_set_new(c, "letter_date", jdate(&x.c.letter_date));
	json_object_set_new(c, "deadline", jdate(&x.c.deadline));
	json_object_set_new(ev, "start", jdate(&x.c.event_start));
	json_object_set_new(ev, "end", jdate(&x.c.event_end));
	json_object_set_new(c, "event", ev);
	json_object_set_new(c, "featured_from", json_string(x.c.featured));
	json_object_set_new(c, "featured", feat);
	json_object_set_new(c, "templates", tpl);
	json_object_set_new(c, "recipients", json_integer((json_int_t)x.nrec));
	json_object_set_new(c, "letters", json_integer((json_int_t)letters));
	json_object_set_new(c, "superseded", json_integer(
		(json_int_t)superseded));
	*out = c;
	c = NULL;
done:
	json_decref(c);
	wf_context_free(&x);
	return error;
}

static int dump(char **out, json_t *root)
{
	*out = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) :
		NULL;
	json_decref(root);
	return *out ? 0 : chancery__oom();
}

int chancery_campaign_show(char **out, chancery_repository *repo,
	const char *id)
{
	chancery_tree *head = NULL;
	json_t *root = NULL, *c = NULL;
	int error;

	CHANCERY_ASSERT_ARG(out && repo && id);
	*out = NULL;
	if (!chancery_campaign_id_valid(id))
		return wf_id_error(id);
	if ((error = chancery__tree_head(&head, NULL, repo)) < 0 ||
	    (error = campaign_json(&c, repo, head, id)) < 0)
		goto done;
	if (!(root = json_object())) {
		error = chancery__oom();
		goto done;
	}
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "campaign", c);
	c = NULL;
	error = dump(out, root);
	root = NULL;
done:
	json_decref(c);
	json_decref(root);
	chancery__tree_free(head);
	return error;
}

typedef struct {
	chancery_repository *repo;
	const chancery_tree *tree;
	json_t *list;
	int error;
} list_ctx;

static int list_cb(const chancery_entry *e, void *payload)
{
	list_ctx *l = payload;
	json_t *c = NULL;

	/* a folder that is no campaign's (a peer's file) is skipped */
	if (!chancery_campaign_id_valid(e->name))
		return 0;
	if ((l->error = campaign_json(&c, l->repo, l->tree, e->name)) < 0)
		return 1;
	json_array_append_new(l->list, c);
	return 0;
}

int chancery_campaign_list(char **out, chancery_repository *repo)
{
	chancery_tree *head = NULL;
	list_ctx l = { repo, NULL, NULL, 0 };
	json_t *root = NULL;
	int error;

	CHANCERY_ASSERT_ARG(out && repo);
	*out = NULL;
	if ((error = chancery__tree_head(&head, NULL, repo)) < 0)
		return error;
	l.tree = head;
	root = json_object();
	l.list = json_array();
	if (!root || !l.list) {
		json_decref(l.list);
		error = chancery__oom();
		goto done;
	}
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "campaigns", l.list);
	if (chancery__tree_has(head, "campaigns") &&
	    (error = chancery__tree_foreach(head, "campaigns", list_cb,
			&l)) != 0) {
		error = l.error < 0 ? l.error : error;
		goto done;
	}
	error = dump(out, root);
	root = NULL;
done:
	json_decref(root);
	chancery__tree_free(head);
	return error;
}

/* ---- closing ------------------------------------------------------------ */

typedef struct {
	const char *id;
	const chancery_date *date;
	chancery_repository *repo;
} close_ctx;

static int close_extra(chancery_changeset *cs, const chancery_tree *base,
	const chancery_oid *head, chancery_event *ev, void *payload)
{
	close_ctx *g = payload;
	context x;
	char path[200], d[11], line[40];
	int error;

	(void)head;
	(void)ev;
	if ((error = wf_context_load(&x, g->repo, base, g->id)) < 0)
		goto done;
	if (x.c.closed.year) {
		chancery_date_format(d, sizeof(d), &x.c.closed);
		error = chancery__error(CHANCERY_EINVALID,
			"campaign '%s' is closed already (on %s)", g->id, d);
		goto done;
	}
	if (chancery_date_cmp(g->date, &x.c.letter_date) < 0) {
		error = chancery__error(CHANCERY_EINVALID,
			"--date is before the letter date of campaign '%s'", g->id);
		goto done;
	}
	snprintf(path, sizeof(path), "campaigns/%s/closed.txt", g->id);
	chancery_date_format(d, sizeof(d), g->date);
	snprintf(line, sizeof(line), "Closed: %s\n", d);
	error = chancery_changeset_add(cs, path, line, strlen(line));
done:
	wf_context_free(&x);
	return error;
}

int chancery_campaign_close(chancery_repository *repo, const char *id,
	const chancery_date *date)
{
	chancery_date today;
	close_ctx g = { id, date, repo };
	chancery_event *ev = NULL;
	char d[11], subject[200];
	int error;

	CHANCERY_ASSERT_ARG(repo && id);
	if (!chancery_campaign_id_valid(id))
		return wf_id_error(id);
	chancery_date_from_time(&today, chancery__now(repo));
	if (!date)
		g.date = date = &today;
	if ((error = chancery__date_not_future(date, chancery__now(repo),
			"--date")) < 0)
		return error;
	chancery_date_format(d, sizeof(d), date);
	snprintf(subject, sizeof(subject), "campaign %s: closed on %s", id, d);
	if ((error = chancery_event_new(&ev, "close")) < 0 ||
	    (error = chancery_event_add(ev, "Campaign", id)) < 0 ||
	    (error = chancery_event_add(ev, "Date", d)) < 0 ||
	    (error = chancery_event_set_subject(ev, subject)) < 0)
		goto done;
	error = chancery__event_record(repo, ev, close_extra, &g, NULL);
done:
	chancery_event_free(ev);
	return error;
}
