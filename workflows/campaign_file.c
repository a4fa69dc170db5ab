/*
 * campaign_file.c - a campaign read back from the repository, and the
 * campaign id.
 *
 * A campaign lives in campaigns/ID/ of the repository:
 *   campaign.txt     "Key: value" lines: Campaign, Title, Workflow,
 *                    Letter-Date, Deadline, Event-Start, Event-End,
 *                    Featured (the list's origin)
 *   workflow.xml     the workflow, as it was when the campaign opened
 *   featured.tsv     the featured treaties (column `treaty`), frozen
 *   recipients.tsv   the recipients (column `state`)
 *   templates/KIND-LANG.odt   the templates its letters use (invitation,
 *                    reminder, acknowledgment in en, fr, es)
 *   letters/CODE.odt the invitation letters, once generated
 *   letters/CODE-N.odt  the Nth letter to CODE (N = 2..999), which
 *                    supersedes letter N-1 once that was dispatched
 *                    (dispatch.c); the largest N is the current letter
 *   closed.txt       "Closed: DATE", once the campaign is closed
 * Everything a letter depends on is in the repository, so a letter can be
 * re-rendered and compared years later. Besides this file, only
 * campaign.c (which writes them), story.c (workflow.xml) and the
 * generators (templates in; letters, reminders, acknowledgments out)
 * know these names; programs use the public readers here.
 *
 * Invariant: whatever comes from a tree is checked before it is used (a
 * peer's file may hold anything, and a State code becomes a file name).
 * Left out on purpose: writing (campaign.c) and any cache: every reader
 * reads the tree it is given.
 */
#include "workflows.h"
#include "../engine/table.h"

#include <string.h>

int chancery_campaign_id_valid(const char *s)
{
	return chancery__campaign_id_valid(s);
}

int wf_id_error(const char *id)
{
	return chancery__error(CHANCERY_EINVALID,
		"'%.40s' is not a campaign id", id);
}

void wf_reference_nth(char *buf, size_t size, const char *id,
	const char *code, unsigned n)
{
	char up[80];
	size_t i;

	for (i = 0; id[i] && i < sizeof(up) - 1; i++)
		up[i] = (char)(id[i] >= 'a' && id[i] <= 'z' ? id[i] - 32 : id[i]);
	up[i] = '\0';
	snprintf(buf, size, "%s/%s/%u", up, code, n ? n : 1);
}

void wf_reference(char *buf, size_t size, const char *id, const char *code)
{
	wf_reference_nth(buf, size, id, code, 1);
}

int wf_add_count(chancery_event *ev, const char *key, size_t count)
{
	char n[32];

	snprintf(n, sizeof(n), "%zu", count);
	return chancery_event_add(ev, key, n);
}

char *wf_token(char **s, const char *delims)
{
	char *t = *s + strspn(*s, delims);
	char *end = t + strcspn(t, delims);

	if (!*t) {
		*s = t;
		return NULL;
	}
	*s = *end ? end + 1 : end;
	*end = '\0';
	return t;
}

int wf_tree_read(char **out, size_t *size, chancery_repository *repo,
	const chancery_tree *tree, const char *path)
{
	chancery_tree *head = NULL;
	int error;

	*out = NULL;
	if (!tree) {
		if ((error = chancery__tree_head(&head, NULL, repo)) < 0)
			return error;
		tree = head;
	}
	error = chancery__tree_file(out, size, tree, path, 0);
	chancery__tree_free(head);
	return error;
}

/* closed.txt, "Closed: DATE", when the campaign was closed. */
static int closed_load(campaign *c, chancery_repository *repo,
	const chancery_tree *tree, const char *id)
{
	char path[200], *text = NULL;
	size_t size;
	int error;

	snprintf(path, sizeof(path), "campaigns/%s/closed.txt", id);
	error = wf_tree_read(&text, &size, repo, tree, path);
	if (error == CHANCERY_ENOTFOUND) {
		chancery_error_clear();
		return 0;
	}
	if (error < 0)
		return error;
	if (size != 19 || strncmp(text, "Closed: ", 8) || text[18] != '\n' ||
	    (text[18] = '\0', chancery_date_parse(&c->closed, text + 8) < 0))
		error = chancery__error(CHANCERY_EINVALID,
			"%s is malformed", path);
	chancery_free(text);
	return error;
}

static int campaign_load(campaign *c, chancery_repository *repo,
	const chancery_tree *tree, const char *id)
{
	char path[200], *text = NULL, *line, *rest;
	size_t size;
	int error;

	memset(c, 0, sizeof(*c));
	if (!chancery_campaign_id_valid(id))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a campaign id (lowercase letters, digits, '-', '_')",
			id);
	snprintf(path, sizeof(path), "campaigns/%s/campaign.txt", id);
	error = wf_tree_read(&text, &size, repo, tree, path);
	if (error == CHANCERY_ENOTFOUND)
		return chancery__error(CHANCERY_ENOTFOUND,
			"no campaign '%s' (chancery campaign open)", id);
	if (error < 0)
		return error;
	rest = text;
	while ((line = wf_token(&rest, "\n"))) {
		char *colon = strstr(line, ": ");
		const char *v;

		if (!colon)
			continue;
		*colon = '\0';
		v = colon + 2;
		if (!strcmp(line, "Campaign"))
			snprintf(c->id, sizeof(c->id), "%s", v);
		else if (!strcmp(line, "Title"))
			snprintf(c->title, sizeof(c->title), "%s", v);
		else if (!strcmp(line, "Title-fr"))
			snprintf(c->title_fr, sizeof(c->title_fr), "%s", v);
		else if (!strcmp(line, "Title-es"))
			snprintf(c->title_es, sizeof(c->title_es), "%s", v);
		else if (!strcmp(line, "Workflow"))
			snprintf(c->workflow, sizeof(c->workflow), "%s", v);
		else if (!strcmp(line, "Featured"))
			snprintf(c->featured, sizeof(c->featured), "%s", v);
		else if (!strcmp(line, "Letter-Date"))
			error = chancery_date_parse(&c->letter_date, v);
		else if (!strcmp(line, "Deadline"))
			error = chancery_date_parse(&c->deadline, v);
		else if (!strcmp(line, "Event-Start"))
			error = chancery_date_parse(&c->event_start, v);
		else if (!strcmp(line, "Event-End"))
			error = chancery_date_parse(&c->event_end, v);
		if (error < 0)
			break;
	}
	chancery_free(text);
	if (error < 0 || !c->id[0] || !c->letter_date.year ||
	    !c->deadline.year || !c->event_start.year)
		return chancery__error(CHANCERY_EINVALID,
			"campaigns/%s/campaign.txt is malformed", id);
	return closed_load(c, repo, tree, id);
}

/* The codes of one column of a TSV in the tree, each checked with `valid`:
 * a peer's file may hold anything, and a State code becomes a file name
 * (letters/CODE.odt, and the CLI's PDF of it). */
static int read_column(char ***out, size_t *count, chancery_repository *repo,
	const chancery_tree *tree, const char *path, const char *column,
	int (*valid)(const char *), const char *what)
{
	chancery_table_diag d = { path, NULL, NULL, 0, NULL };
	chancery_table *t = NULL;
	char *text = NULL, **list = NULL;
	size_t size;
	int col, error;

	*out = NULL;
	*count = 0;
	if ((error = wf_tree_read(&text, &size, repo, tree, path)) < 0)
		return error;
	error = chancery__table_parse(&t, text, size, '\t', &d);
	chancery_free(text);
	if (error < 0)
		return error;
	col = chancery__table_column(t, column);
	list = chancery__calloc(t->nrows ? t->nrows : 1, sizeof(char *));
	if (!list) {
		chancery__table_free(t);
		return chancery__oom();
	}
	for (size_t r = 1; r < t->nrows; r++) {
		const char *v = chancery__table_cell(&t->rows[r], col);

		if (!valid(v)) {
			char shown[41];
			size_t n = 0;

			for (; v[n] && n + 1 < sizeof(shown); n++)
				shown[n] = (unsigned char)v[n] < 0x20 ? '?' : v[n];
			shown[n] = '\0';
			error = chancery__error(CHANCERY_EINVALID,
				"%s:%zu: '%s' is not %s", path, t->rows[r].line,
				shown, what);
			break;
		}
		if (!(list[r - 1] = chancery__strdup(v))) {
			error = chancery__oom();
			break;
		}
	}
	*count = t->nrows - 1;
	*out = list;
	chancery__table_free(t);
	return error;
}

static void free_list(char **list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		chancery_free(list[i]);
	chancery_free(list);
}

void wf_context_free(context *x)
{
	chancery_registry_free(x->reg);
	free_list(x->featured, x->nfeat);
	free_list(x->recipients, x->nrec);
	chancery_free(x->letter);
	memset(x, 0, sizeof(*x));
}

/* Each recipient's current letter number, from `tree` (NULL: the head). */
static int letter_numbers(context *x, chancery_repository *repo,
	const chancery_tree *tree)
{
	chancery_tree *head = NULL, *letters = NULL;
	int error;

	if (!tree) {
		if ((error = chancery__tree_head(&head, NULL, repo)) < 0)
			return error;
		tree = head;
	}
	error = wf_letters_folder(&letters, tree, x->c.id);
	chancery__tree_free(head);
	if (error < 0)
		return error;
	x->letter = chancery__calloc(x->nrec ? x->nrec : 1, sizeof(unsigned));
	for (size_t i = 0; x->letter && i < x->nrec; i++)
		x->letter[i] = wf_letter_number_in(letters, x->recipients[i]);
	chancery__tree_free(letters);
	return x->letter ? 0 : chancery__oom();
}

int wf_context_load(context *x, chancery_repository *repo,
	const chancery_tree *tree, const char *id)
{
	char path[200];
	int error;

	memset(x, 0, sizeof(*x));
	if ((error = campaign_load(&x->c, repo, tree, id)) < 0 ||
	    (error = chancery__registry_load_at(&x->reg, repo, tree)) < 0)
		return error;
	snprintf(path, sizeof(path), "campaigns/%s/featured.tsv", id);
	if ((error = read_column(&x->featured, &x->nfeat, repo, tree, path,
			"treaty", chancery_registry_treaty_id_valid, "a treaty reference")) < 0)
		return error;
	snprintf(path, sizeof(path), "campaigns/%s/recipients.tsv", id);
	if ((error = read_column(&x->recipients, &x->nrec, repo, tree, path,
			"state", chancery_registry_state_code_valid,
			"a State code")) < 0)
		return error;
	return letter_numbers(x, repo, tree);
}

int chancery_campaign_recipients(char ***out, size_t *count,
	chancery_repository *repo, const char *id)
{
	char path[200], **list = NULL;
	size_t n = 0;
	int error;

	CHANCERY_ASSERT_ARG(out && repo && id);
	*out = NULL;
	if (count)
		*count = 0;
	if (!chancery_campaign_id_valid(id))
		return wf_id_error(id);
	snprintf(path, sizeof(path), "campaigns/%s/recipients.tsv", id);
	error = read_column(&list, &n, repo, NULL, path, "state",
		chancery_registry_state_code_valid, "a State code");
	if (error == CHANCERY_ENOTFOUND)
		error = chancery__error(CHANCERY_ENOTFOUND,
			"no campaign '%s' (chancery campaign open)", id);
	if (error < 0) {
		free_list(list, n);
		return error;
	}
	*out = list;
	if (count)
		*count = n;
	return 0;
}

void chancery_campaign_recipients_free(char **list)
{
	for (char **p = list; p && *p; p++)
		chancery_free(*p);
	chancery_free(list);
}

int chancery_campaign_letter(char **out, size_t *size,
	chancery_repository *repo, const char *id, const char *state)
{
	chancery_tree *head = NULL;
	char path[200];
	size_t n = 0;
	int error;

	CHANCERY_ASSERT_ARG(out && repo && id && state);
	*out = NULL;
	if (size)
		*size = 0;
	if (!chancery_campaign_id_valid(id))
		return wf_id_error(id);
	if (!chancery_registry_state_code_valid(state))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a State code", state);
	if ((error = chancery__tree_head(&head, NULL, repo)) < 0)
		return error;
	/* the current letter: the last of those that superseded each other */
	wf_letter_path(path, sizeof(path), id, state,
		wf_letter_number(head, id, state));
	error = wf_tree_read(out, &n, repo, head, path);
	chancery__tree_free(head);
	if (error == CHANCERY_ENOTFOUND)
		return chancery__error(CHANCERY_ENOTFOUND,
			"no letter to %s in campaign '%s' (chancery letters "
			"generate %s)", state, id, id);
	if (error < 0)
		return error;
	if (size)
		*size = n;
	return 0;
}
