/*
 * ledger_gen.c - build a history of N events through the library, for
 * bench/ledger: a new repository holding the Focus 2004 sample, then N
 * events over about 30 years (2004 to 2033), every one recorded by the
 * public API exactly as the tool records it, so every later question is
 * asked of a history chancery itself wrote.
 *
 * usage: ledger_gen [--bare] [--resume] DIR N [SEED]
 *
 * --bare builds a bare repository (DIR is the Git folder, as `chancery init
 * --bare` makes it): no working tree is checked or checked out, so the
 * rate is what a bare store writes at (docs/performance.md).
 *
 * The mix: one campaign a year (fewer below N = 3000, at least one), each
 * opened, its 192 letters generated and sent, reminded two weeks before
 * the deadline (with the acknowledgments of the replies so far) and
 * closed; between them notes (about 55%: a call, a meeting, a note
 * verbale; naming a State, often a treaty and the campaign), replies
 * announcing an intention on a featured treaty (about 25%; "no action" when
 * the State can take none of those drawn), deposits of a ratification or
 * an accession with a small instrument (about 8%), and a few corrections of
 * a reply and voids of a note (about 1% each). Event k is recorded at
 * 2004-03-15 plus k/N of 30 years, dated that day, so N = 10^6 is about
 * 33,000 events a year. Every slot makes exactly one commit: a reply
 * whose intention is refused says "no action" instead, a deposit the
 * registry refuses is drawn again and then made a note, a remind with
 * nothing due is made a note.
 * The same N and SEED give the same history, commit for commit.
 *
 * Resuming: after every event the generator's own state (the event count,
 * the random state, the open campaign, the recent notes and replies, and
 * the head it reached) is written to DIR.state, replaced atomically.
 * SIGINT, SIGTERM and SIGHUP end the run after the event in progress,
 * with exit 4. `--resume DIR N` reopens DIR, checks that its head is the
 * one the state names (else exit 3: the history moved on without the
 * generator) and goes on from there, so a history of 10^6 events can be
 * built over several sittings and is still the one a single run makes.
 * The state file is removed when the history is complete.
 *
 * It prints to stderr, every 10% and at the end, the events made and the
 * rate (events a second of wall time); stdout gets one line,
 * "EVENTS SECONDS RATE" (the events this run made). Exit 0, 2 for usage,
 * 3 when the library refuses what a slot falls back to (which would be a
 * bug to report) or the state cannot be resumed, 4 when stopped by a
 * signal (resumable).
 *
 * Deliberately left out: a fast path (git fast-import of most of the
 * history). The library is the only writer of these histories, so the
 * benchmark measures what an office would have; the rate says what that
 * costs (docs/performance.md, "Ledger").
 */
#include <chancery.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define YEARS 30
#define RECENT 64

typedef struct {
	chancery_repository *repo;
	chancery_registry *reg;     /* reloaded after a deposit */
	const chancery_treaty **featured;
	size_t nfeatured;
	uint64_t rng;
	char dir[4096];
	char instrument[4200];
	/* the campaign of the year, when one is open */
	char campaign[32];
	int year;                   /* its year, 0: none yet */
	int stage;                  /* 0 opened, 1 letters, 2 sent, 3 reminded, 4 closed */
	int campaign_every;         /* a campaign every this many years */
	int bare;                   /* --bare: a bare repository */
	int resume;                 /* --resume: go on from DIR.state */
	long k;                     /* the next event to make */
	/* recent notes (to void) and replies (to correct), as commits */
	char notes[RECENT][41];
	size_t nnotes;
	char replies[RECENT][41];
	char reply_state[RECENT][4];
	size_t nreplies;
} gen;

static uint32_t draw(gen *g, uint32_t n)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return (uint32_t)(g->rng % n);
}

static int fail(const char *what)
{
	const chancery_error *e = chancery_error_last();

	fprintf(stderr, "ledger_gen: %s: %s\n", what,
		e && e->message ? e->message : "unknown error");
	return -1;
}

static int registry(gen *g)
{
	if (g->reg)
		return 0;
	chancery_free(g->featured);
	g->featured = NULL;
	if (chancery_registry_load(&g->reg, g->repo) < 0)
		return fail("load the registry");
	if (chancery_registry_featured(&g->featured, &g->nfeatured, g->reg,
			"focus2004") < 0 || g->nfeatured == 0)
		return fail("the featured list focus2004");
	return 0;
}

static const char *any_state(gen *g)
{
	size_t n = chancery_registry_state_count(g->reg);

	return chancery_registry_state(g->reg, draw(g, (uint32_t)n))->code;
}

static const char *any_treaty(gen *g)
{
	return g->featured[draw(g, (uint32_t)g->nfeatured)]->id;
}

static void remember(char ring[][41], size_t *n, const char *commit)
{
	memmove(ring[1], ring[0], 41 * (RECENT - 1));
	snprintf(ring[0], 41, "%s", commit);
	if (*n < RECENT)
		(*n)++;
}

/* ---- the campaign of the year ------------------------------------------ */

static chancery_date day(int y, int m, int d)
{
	chancery_date x = { y, m, d };

	return x;
}

/* The next step of the year's campaign that is due on `today`, made as
 * this slot's one commit: 1 if one was, 0 if nothing is due. */
static int campaign_step(gen *g, const chancery_date *today)
{
	int y = today->year, error = 0;
	chancery_date when;

	if (g->year != y && (y - 2004) % g->campaign_every == 0 &&
	    chancery_date_cmp(today, &(chancery_date){ y, 3, 12 }) >= 0 &&
	    (g->year == 0 || g->stage == 4)) {
		chancery_campaign_options o = CHANCERY_CAMPAIGN_OPTIONS_INIT;

		snprintf(g->campaign, sizeof g->campaign, "ledger%04d", y);
		o.id = g->campaign;
		o.title = "Focus: Treaties on the Protection of Civilians";
		o.workflow = "treaty-event";
		o.featured = "focus2004";
		o.letter_date = day(y, 3, 12);
		o.deadline = day(y, 9, 1);
		o.event_start = day(y, 9, 21);
		o.event_end = day(y, 9, 24);
		if (chancery_campaign_open(g->repo, &o) < 0)
			return fail("campaign open");
		g->year = y, g->stage = 0, g->nreplies = 0;
		return 1;
	}
	if (g->year == 0 || g->stage == 4)
		return 0;
	if (g->stage == 0) {
		chancery_letters_result r;

		if (chancery_campaign_generate(&r, g->repo, g->campaign, NULL) < 0)
			return fail("letters generate");
		g->stage = 1;
		return 1;
	}
	if (g->stage == 1 && chancery_date_cmp(today,
			&(chancery_date){ g->year, 3, 15 }) >= 0) {
		size_t sent;

		if (chancery_campaign_send(&sent, g->repo, g->campaign, today,
				NULL) < 0)
			return fail("send");
		g->stage = 2;
		return 1;
	}
	if (g->stage == 2 && chancery_date_cmp(today,
			&(chancery_date){ g->year, 8, 20 }) >= 0) {
		size_t reminders, acks;

		if (chancery_campaign_remind(&reminders, &acks, g->repo,
				g->campaign, today) < 0)
			return fail("remind");
		g->stage = 3;
		return reminders + acks > 0;
	}
	if (g->stage == 3 && (chancery_date_cmp(today,
			&(chancery_date){ g->year, 10, 24 }) >= 0 ||
	    today->year > g->year)) {
		when = *today;
		error = chancery_campaign_close(g->repo, g->campaign, &when);
		if (error < 0)
			return fail("campaign close");
		g->stage = 4;
		return 1;
	}
	return 0;
}

/* ---- the events between ------------------------------------------------- */

static const char *const TOPICS[] = {
	"Mission called: the instrument is with the ministry",
	"Meeting with the legal adviser on the featured treaties",
	"Note verbale received: consultations under way",
	"Call from the permanent mission: parliament to vote in the spring",
	"Courtesy visit; the State asks for the treaty's certified copy",
};

static int note(gen *g, const chancery_date *today)
{
	chancery_event *e = NULL;
	char date[16];
	int error;

	chancery_date_format(date, sizeof date, today);
	if ((error = chancery_event_new(&e, "note")) < 0 ||
	    (error = chancery_event_add(e, "State", any_state(g))) < 0 ||
	    (error = chancery_event_add(e, "Date", date)) < 0 ||
	    (draw(g, 2) && (error = chancery_event_add(e, "Treaty",
			any_treaty(g))) < 0) ||
	    (g->year && g->stage < 4 && (error = chancery_event_add(e,
			"Campaign", g->campaign)) < 0) ||
	    (error = chancery_event_set_message(e,
			TOPICS[draw(g, sizeof TOPICS / sizeof *TOPICS)])) < 0 ||
	    (error = chancery_event_record(g->repo, e)) < 0) {
		chancery_event_free(e);
		return fail("note");
	}
	remember(g->notes, &g->nnotes, chancery_event_commit(e));
	chancery_event_free(e);
	return 1;
}

/* An intention the State can announce on `today`, from the registry as
 * last loaded (which knows every deposit: it is reloaded after each):
 * ratify what it signed, sign what is open for signature, else accede.
 * 0 when eight draws found only treaties it is a party to. */
static int intention(chancery_campaign_intention *out, gen *g,
	const char *state, const chancery_date *today)
{
	const chancery_treaty *t;
	chancery_date until;
	chancery_status s;
	int tries, open;

	for (tries = 0; tries < 8; tries++) {
		t = g->featured[draw(g, (uint32_t)g->nfeatured)];
		s = chancery_registry_status(g->reg, state, t->id, today);
		if (s == CHANCERY_STATUS_PARTY)
			continue;
		open = strcmp(t->signature, "no") != 0 &&
			(!*t->signature_until ||
			 (chancery_date_parse(&until, t->signature_until) == 0 &&
			  chancery_date_cmp(today, &until) <= 0));
		snprintf(out->action, sizeof out->action, "%s",
			s == CHANCERY_STATUS_SIGNATORY ? "ratify" :
			open ? "sign" : "accede");
		snprintf(out->treaty, sizeof out->treaty, "%s", t->id);
		return 1;
	}
	return 0;
}

/* A reply to the year's campaign announcing one intention, or no action
 * when there is none to announce or the library refuses the one drawn;
 * 0 when no campaign takes replies. */
static int reply(gen *g, const chancery_date *today)
{
	chancery_reply_options o = CHANCERY_REPLY_OPTIONS_INIT;
	chancery_campaign_intention in;
	char head[41];

	if (g->year == 0 || g->stage < 2)
		return 0;
	o.state = any_state(g);
	o.received = *today;
	if (intention(&in, g, o.state, today))
		o.intends = &in, o.nintends = 1;
	if (!o.nintends || chancery_campaign_reply(NULL, g->repo,
			g->campaign, &o) < 0) {
		o.intends = NULL, o.nintends = 0, o.none = 1;
		if (chancery_campaign_reply(NULL, g->repo, g->campaign, &o) < 0)
			return fail("reply");
	}
	if (chancery_repository_head(head, g->repo) < 0)
		return fail("head");
	remember(g->replies, &g->nreplies, head);
	memmove(g->reply_state[1], g->reply_state[0], 4 * (RECENT - 1));
	snprintf(g->reply_state[0], 4, "%s", o.state);
	return 1;
}

/* A recent reply corrected: the State in fact announced no action. */
static int correction(gen *g, const chancery_date *today)
{
	chancery_reply_options o = CHANCERY_REPLY_OPTIONS_INIT;
	size_t i;

	if (g->nreplies == 0 || g->stage < 2)
		return 0;
	i = --g->nreplies;   /* the oldest kept: corrected once only */
	o.state = g->reply_state[i];
	o.received = *today;
	o.none = 1;
	o.corrects = g->replies[i];
	o.reason = "recorded against the wrong letter";
	if (chancery_campaign_reply(NULL, g->repo, g->campaign, &o) < 0)
		return 0;   /* voided or corrected by now: draw again */
	return 1;
}

static int void_note(gen *g)
{
	chancery_void_options o = CHANCERY_VOID_OPTIONS_INIT;
	chancery_void_result r;

	if (g->nnotes == 0)
		return 0;
	o.reason = "recorded in the wrong State's file";
	if (chancery_archive_void(&r, g->repo, g->notes[--g->nnotes], &o) < 0)
		return fail("void");
	return 1;
}

/* A ratification of what the State signed, or an accession to what it
 * has no part in, drawn up to four times; 0 if none could be made. */
static int deposit(gen *g, const chancery_date *today)
{
	chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;
	chancery_deposit_result r;
	chancery_status s;
	int tries;

	for (tries = 0; tries < 4; tries++) {
		o.state = any_state(g);
		o.treaty = any_treaty(g);
		s = chancery_registry_status(g->reg, o.state, o.treaty, today);
		if (s == CHANCERY_STATUS_PARTY)
			continue;
		o.action = s == CHANCERY_STATUS_SIGNATORY ? "ratification" :
			"accession";
		o.date = *today;
		o.instrument = g->instrument;
		o.campaign = g->year && g->stage < 4 ? g->campaign : NULL;
		o.remote = "";
		if (chancery_archive_deposit(&r, g->repo, &o) == 0) {
			chancery_registry_free(g->reg);
			g->reg = NULL;
			return 1;
		}
	}
	return 0;
}

/* ---- resuming ------------------------------------------------------------- */

#define STATE_MAGIC "ledger_gen state 1"

static volatile sig_atomic_t stop_asked;

static void ask_stop(int sig)
{
	(void)sig;
	stop_asked = 1;
}

static void state_path(char *out, size_t size, const gen *g, int tmp)
{
	snprintf(out, size, "%s.state%s", g->dir, tmp ? ".tmp" : "");
}

static void ring_write(FILE *f, char ring[][41], size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s\n", ring[i]);
}

/* The state after event k - 1, replacing DIR.state in one rename. */
static int state_save(gen *g, long n)
{
	char path[4200], tmp[4200], head[41];
	size_t i;
	FILE *f;

	if (chancery_repository_head(head, g->repo) < 0)
		return fail("head");
	state_path(path, sizeof path, g, 0);
	state_path(tmp, sizeof tmp, g, 1);
	if (!(f = fopen(tmp, "w"))) {
		fprintf(stderr, "ledger_gen: cannot write %s\n", tmp);
		return -1;
	}
	fprintf(f, "%s\n%ld %ld %llu %d %d %d\n%s\n%s\n%zu %zu\n",
		STATE_MAGIC, n, g->k, (unsigned long long)g->rng, g->year,
		g->stage, g->campaign_every, head,
		*g->campaign ? g->campaign : "-", g->nnotes, g->nreplies);
	ring_write(f, g->notes, g->nnotes);
	for (i = 0; i < g->nreplies; i++)
		fprintf(f, "%s %s\n", g->replies[i], g->reply_state[i]);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "ledger_gen: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

static int state_bad(const char *path, const char *why)
{
	fprintf(stderr, "ledger_gen: %s: %s\n", path, why);
	return -1;
}

/* Read DIR.state into g and check it against N and the branch head. */
static int state_load(gen *g, long n)
{
	char path[4200], line[128], head[41], want[41], campaign[32];
	unsigned long long rng;
	long sn;
	size_t i;
	FILE *f;
	int ok;

	state_path(path, sizeof path, g, 0);
	if (!(f = fopen(path, "r")))
		return state_bad(path, "cannot read the state to resume from");
	ok = fgets(line, sizeof line, f) && !strncmp(line, STATE_MAGIC,
			strlen(STATE_MAGIC)) &&
		fscanf(f, "%ld %ld %llu %d %d %d %40s %31s %zu %zu", &sn,
			&g->k, &rng, &g->year, &g->stage, &g->campaign_every,
			want, campaign, &g->nnotes, &g->nreplies) == 10 &&
		g->nnotes <= RECENT && g->nreplies <= RECENT;
	for (i = 0; ok && i < g->nnotes; i++)
		ok = fscanf(f, "%40s", g->notes[i]) == 1;
	for (i = 0; ok && i < g->nreplies; i++)
		ok = fscanf(f, "%40s %3s", g->replies[i],
			g->reply_state[i]) == 2;
	fclose(f);
	if (!ok)
		return state_bad(path, "not a ledger_gen state");
	if (sn != n)
		return state_bad(path, "made for another N");
	g->rng = rng;
	snprintf(g->campaign, sizeof g->campaign, "%s",
		strcmp(campaign, "-") ? campaign : "");
	if (chancery_repository_open(&g->repo, g->dir) < 0)
		return fail("open");
	if (chancery_repository_head(head, g->repo) < 0)
		return fail("head");
	if (strcmp(head, want))
		return state_bad(path, "the branch is no longer at the head "
			"the state names");
	return 0;
}

/* ---- one slot, the whole history ----------------------------------------- */

/* What each slot made, for the breakdown printed at the end. */
enum { K_CAMPAIGN, K_NOTE, K_REPLY, K_DEPOSIT, K_CORRECTION, K_VOID, K_N };
static const char *const KINDS[K_N] = { "campaign steps", "notes",
	"replies", "deposits", "corrections", "voids" };

/* The kind of event slot `today` made (its one commit), or -1. */
static int slot(gen *g, const chancery_date *today)
{
	uint32_t r;
	int made, kind = K_NOTE;

	if ((made = campaign_step(g, today)) != 0)
		return made < 0 ? -1 : K_CAMPAIGN;
	if (registry(g) < 0)
		return -1;
	r = draw(g, 100);
	if (r < 25)
		made = reply(g, today), kind = K_REPLY;
	else if (r < 33)
		made = deposit(g, today), kind = K_DEPOSIT;
	else if (r < 34)
		made = correction(g, today), kind = K_CORRECTION;
	else if (r < 35)
		made = void_note(g), kind = K_VOID;
	if (made < 0)
		return -1;
	if (made)
		return kind;
	return note(g, today) < 0 ? -1 : K_NOTE;
}

static int signature(gen *g, int64_t t)
{
	chancery_signature s = { "Treaty Section", "treaty@example.org", t, 0 };

	if (chancery_repository_set_signature(g->repo, &s) < 0)
		return fail("set the signature");
	return 0;
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int instrument(gen *g)
{
	static const char pdf[] = "%PDF-1.4\n1 0 obj <<>> endobj\n"
		"% instrument of ratification (bench)\n%%EOF\n";
	FILE *f;

	snprintf(g->instrument, sizeof g->instrument, "%s.instrument.pdf",
		g->dir);
	if (!(f = fopen(g->instrument, "wb")) ||
	    fwrite(pdf, 1, sizeof pdf - 1, f) != sizeof pdf - 1 ||
	    fclose(f) != 0) {
		fprintf(stderr, "ledger_gen: cannot write %s\n", g->instrument);
		return -1;
	}
	return 0;
}

static int build(gen *g, long n)
{
	chancery_init_options io = CHANCERY_INIT_OPTIONS_INIT;
	const int64_t start = 1079341200; /* 2004-03-15T09:00:00Z */
	const int64_t span = (int64_t)YEARS * 365 * 86400;
	chancery_signature s = { "Treaty Section", "treaty@example.org",
		1079082000 /* 2004-03-12T09:00:00Z */, 0 };
	chancery_date today;
	double t0 = seconds(), t1, dt, spent[K_N] = { 0 };
	long k, first, count[K_N] = { 0 };
	char path[4200];
	int kind;
	int64_t t;

	io.bare = g->bare;
	if (instrument(g) < 0)
		return -1;
	if (g->resume ? state_load(g, n) < 0 :
	    chancery_repository_init(&g->repo, g->dir, &io, &s) < 0)
		return g->resume ? -1 : fail("init");
	first = g->k;
	for (k = first; k < n; k++) {
		if (stop_asked) {
			fprintf(stderr, "ledger_gen: stopped after %ld events; "
				"go on with --resume\n", k);
			return 1;
		}
		t = start + span * k / n;
		chancery_date_from_time(&today, t);
		t1 = seconds();
		if (signature(g, t) < 0 || (kind = slot(g, &today)) < 0)
			return -1;
		count[kind]++;
		spent[kind] += seconds() - t1;
		g->k = k + 1;
		if (state_save(g, n) < 0)
			return -1;
		if (n >= 10 && (k + 1) % (n / 10) == 0)
			fprintf(stderr, "ledger_gen: %ld events, %.1f a second\n",
				k + 1, (k + 1 - first) / (seconds() - t0));
	}
	state_path(path, sizeof path, g, 0);
	remove(path);
	dt = seconds() - t0;
	for (kind = 0; kind < K_N; kind++)
		if (count[kind])
			fprintf(stderr, "ledger_gen: %6ld %-14s %8.1f ms each\n",
				count[kind], KINDS[kind],
				1e3 * spent[kind] / count[kind]);
	printf("%ld %.2f %.1f\n", n - first, dt,
		(n - first) / (dt > 0 ? dt : 1));
	remove(g->instrument);
	return 0;
}

int main(int argc, char **argv)
{
	gen g;
	long n;
	char *end;
	int rc;

	memset(&g, 0, sizeof g);
	for (; argc > 1 && !strncmp(argv[1], "--", 2); argc--, argv++)
		if (!strcmp(argv[1], "--bare"))
			g.bare = 1;
		else if (!strcmp(argv[1], "--resume"))
			g.resume = 1;
		else
			break;
	if (argc < 3 || argc > 4 || !strncmp(argv[1], "--", 2)) {
		fprintf(stderr, "usage: ledger_gen [--bare] [--resume] "
			"DIR N [SEED]\n");
		return 2;
	}
	n = strtol(argv[2], &end, 10);
	if (*end || n < 1 || n > 100000000) {
		fprintf(stderr, "ledger_gen: N '%s': expected 1 to 10^8\n",
			argv[2]);
		return 2;
	}
	g.rng = argc == 4 ? strtoull(argv[3], NULL, 10) : 14;
	if (g.rng == 0)
		g.rng = 14;
	snprintf(g.dir, sizeof g.dir, "%s", argv[1]);
	g.campaign_every = n >= 3000 ? 1 : (int)(YEARS * 100 / n + 1);
	if (g.campaign_every > YEARS)
		g.campaign_every = YEARS;
	signal(SIGINT, ask_stop);
	signal(SIGTERM, ask_stop);
	signal(SIGHUP, ask_stop);
	if (chancery_init() < 0)
		return 5;
	rc = build(&g, n);
	rc = rc < 0 ? 3 : rc > 0 ? 4 : 0;
	chancery_registry_free(g.reg);
	chancery_free(g.featured);
	chancery_repository_free(g.repo);
	chancery_shutdown();
	return rc;
}
