/*
 * chancery/workflow.h - declarative campaign workflows: states, the events
 * that move a recipient between them, guards on dates and actions. The
 * format is XML validated against the RELAX NG schema the library carries
 * (workflows/workflow.rng); docs/workflow-format.md describes it.
 */
#ifndef CHANCERY_WORKFLOW_H
#define CHANCERY_WORKFLOW_H

#include "common.h"
#include "registry.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chancery_workflow chancery_workflow;

/**
 * Load a workflow from XML text. Every problem (schema violations,
 * unknown or unreachable states, transitions to nowhere, more or less than
 * one initial state) is passed to `diagnostic` as "NAME:LINE: what"; on any
 * problem CHANCERY_EINVALID is returned and nothing is loaded.
 */
CHANCERY_EXTERN(int) chancery_workflow_load(chancery_workflow **out,
	const char *name, const char *xml, size_t size,
	chancery_diagnostic_cb diagnostic, void *payload);

/**
 * Load a shipped workflow by name ("treaty-event") or a file by path (any
 * argument with a '/' or ending in ".xml").
 */
CHANCERY_EXTERN(int) chancery_workflow_open(chancery_workflow **out,
	const char *name_or_path, chancery_diagnostic_cb diagnostic,
	void *payload);

CHANCERY_EXTERN(void) chancery_workflow_free(chancery_workflow *workflow);

CHANCERY_EXTERN(const char *) chancery_workflow_name(
	const chancery_workflow *workflow);
CHANCERY_EXTERN(const char *) chancery_workflow_title(
	const chancery_workflow *workflow);
/** The source XML (for storing with a campaign), borrowed. */
CHANCERY_EXTERN(const char *) chancery_workflow_source(
	const chancery_workflow *workflow, size_t *size);

CHANCERY_EXTERN(size_t) chancery_workflow_state_count(
	const chancery_workflow *workflow);
/** Name of state i (0 is the initial state), or NULL. */
CHANCERY_EXTERN(const char *) chancery_workflow_state(
	const chancery_workflow *workflow, size_t i);
CHANCERY_EXTERN(int) chancery_workflow_state_is_final(
	const chancery_workflow *workflow, size_t i);
CHANCERY_EXTERN(size_t) chancery_workflow_transition_count(
	const chancery_workflow *workflow);

/** The names of the shipped workflows, NULL-terminated. */
CHANCERY_EXTERN(const char *const *) chancery_workflow_shipped(void);

#ifdef __cplusplus
}
#endif
#endif
