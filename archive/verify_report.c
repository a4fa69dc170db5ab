/*
 * verify_report.c - what verification proved, for people: the last proofs
 * kept in the index (engine/index_proof.h) and the fixity coverage over
 * the office's period (chancery.fixityDays). Read only: it proves nothing
 * itself, and a missing index is reported as "no proof", not made.
 *
 * Lines (stable, one fact each):
 *   proof TIME COMMIT full|incremental: N events, M files
 *   proof: none kept
 *   fixity: W of A files re-hashed within D days; oldest check TIME PATH
 */
#include "../engine/base.h"
#include "../engine/index_proof.h"
#include "../engine/store.h"
#include "chancery/archive.h"

#include <string.h>

typedef struct {
	chancery_diagnostic_cb line;
	void *payload;
	size_t n;
} report_ctx;

static int proof_cb(const chancery__proof *p, void *payload)
{
	report_ctx *r = payload;
	char when[32], hex[CHANCERY_OID_HEXSZ + 1], line[256];

	chancery_time_format(when, sizeof(when), p->time);
	snprintf(line, sizeof(line), "proof %s %.12s %s: %zu events, %zu "
		"files", when, chancery__oid_tostr(hex, &p->commit),
		p->full ? "full" : "incremental", p->events, p->files);
	r->line(line, r->payload);
	r->n++;
	return 0;
}

static void coverage(report_ctx *r, size_t all, size_t within, int days,
	const chancery__fixity_file *oldest)
{
	char when[32], line[640];

	if (!all) {
		r->line("fixity: no file under a fixity line checked yet",
			r->payload);
		return;
	}
	if (oldest->checked)
		chancery_time_format(when, sizeof(when), oldest->checked);
	else
		snprintf(when, sizeof(when), "never");
	snprintf(line, sizeof(line), "fixity: %zu of %zu files re-hashed "
		"within %d days; oldest check %s %s", within, all, days, when,
		oldest->path);
	r->line(line, r->payload);
}

int chancery_archive_verify_report(chancery_repository *repo, size_t max,
	chancery_diagnostic_cb line, void *payload)
{
	report_ctx r = { line, payload, 0 };
	chancery__proofs *p = NULL;
	chancery__fixity_file oldest;
	size_t all = 0, within = 0;
	int days;
	int error;

	CHANCERY_ASSERT_ARG(repo && line);
	if ((error = chancery__fixity_days(&days, repo)) < 0)
		return error;
	if ((error = chancery__proofs_open(&p, NULL, repo)) < 0 ||
	    (error = chancery__proof_foreach(p, max, proof_cb, &r)) < 0 ||
	    (error = chancery__fixity_coverage(&all, &within, &oldest, p,
			chancery__now(repo) - (int64_t)days * 86400)) < 0)
		goto done;
	if (!r.n)
		line("proof: none kept", payload);
	coverage(&r, all, within, (int)days, &oldest);
done:
	chancery__proofs_close(p);
	return error;
}
