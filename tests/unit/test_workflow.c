/*
 * test_workflow.c - workflow definitions: the shipped treaty-event, a
 * second and different workflow (the engine is not hard-wired to one), and
 * every kind of broken definition reported with its line.
 */
#include "testkit.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	int count;
	char lines[16][300];
} diags;

static void collect(const char *line, void *payload)
{
	diags *d = payload;

	if (d->count < 16)
		snprintf(d->lines[d->count], sizeof(d->lines[0]), "%s", line);
	d->count++;
}

static bool has(const diags *d, const char *want)
{
	for (int i = 0; i < d->count && i < 16; i++)
		if (strstr(d->lines[i], want))
			return true;
	return false;
}

static void test_shipped(void **state)
{
	chancery_workflow *w = NULL;
	diags d = { 0 };

	(void)state;
	assert_int_equal(chancery_workflow_open(&w, "treaty-event", collect, &d), 0);
	assert_int_equal(d.count, 0);
	assert_string_equal(chancery_workflow_name(w), "treaty-event");
	assert_string_equal(chancery_workflow_state(w, 0), "drafted");
	assert_int_equal(chancery_workflow_state_count(w), 16);
	{
		/* the outcomes after the event: what each State did against
		 * what it announced (issue 13, finding 3), every one final */
		static const char *const finals[] = { "acted-in-full",
			"acted-in-part", "acted-otherwise", "announced-no-action",
			"acted-after-none", "no-action-as-announced",
			"acted-without-reply", "no-reply-no-action", "not-invited" };
		size_t nfinal = 0;

		for (size_t k = 0; k < sizeof(finals) / sizeof(*finals); k++) {
			bool found = false;

			for (size_t i = 0; i < chancery_workflow_state_count(w); i++)
				found |= !strcmp(chancery_workflow_state(w, i),
					finals[k]) && chancery_workflow_state_is_final(w, i);
			if (!found)
				fail_msg("no final state '%s'", finals[k]);
		}
		for (size_t i = 0; i < chancery_workflow_state_count(w); i++)
			nfinal += chancery_workflow_state_is_final(w, i) != 0;
		assert_int_equal(nfinal, sizeof(finals) / sizeof(*finals));
	}
	chancery_workflow_free(w);
	assert_int_equal(chancery_workflow_open(&w, "nope", NULL, NULL), CHANCERY_ENOTFOUND);
}

static const char second[] =
	"<?xml version=\"1.0\"?>\n"
	"<workflow xmlns=\"urn:chancery:workflow:1\" name=\"consultation\">\n"
	"  <title>A consultation: a questionnaire, answers, one reminder</title>\n"
	"  <state name=\"asked\" initial=\"true\">\n"
	"    <transition on=\"reply\" to=\"answered\"/>\n"
	"    <transition on=\"remind\" to=\"chased\">\n"
	"      <guard date=\"today\" after=\"2005-01-31\" offset=\"10\" unit=\"working-days\"/>\n"
	"      <action letter=\"chaser\"/>\n"
	"    </transition>\n"
	"  </state>\n"
	"  <state name=\"chased\">\n"
	"    <transition on=\"reply\" to=\"answered\"/>\n"
	"    <transition on=\"time\" to=\"silent\"><guard date=\"today\" after=\"deadline\"/>"
	"<condition intentions=\"none-announced\" deposits=\"none\"/></transition>\n"
	"    <transition on=\"time\" to=\"answered\"><guard date=\"today\" after=\"deadline\"/>"
	"<condition deposits=\"any\"/></transition>\n"
	"  </state>\n"
	"  <state name=\"answered\" final=\"true\"/>\n"
	"  <state name=\"silent\" final=\"true\"/>\n"
	"</workflow>\n";

static void test_second_workflow(void **state)
{
	chancery_workflow *w = NULL;

	(void)state;
	if (chancery_workflow_load(&w, "consultation.xml", second, strlen(second),
			NULL, NULL) < 0)
		fail_msg("%s", chancery_error_last()->message);
	assert_string_equal(chancery_workflow_name(w), "consultation");
	assert_int_equal(chancery_workflow_state_count(w), 4);
	assert_int_equal(chancery_workflow_transition_count(w), 5);
	chancery_workflow_free(w);
}

static void expect_bad(const char *xml, const char *want)
{
	chancery_workflow *w = NULL;
	diags d = { 0 };
	int error = chancery_workflow_load(&w, "bad.xml", xml, strlen(xml),
		collect, &d);

	assert_int_equal(error, CHANCERY_EINVALID);
	assert_null(w);
	if (!has(&d, want))
		fail_msg("no '%s' among %d problems (first: %s)", want, d.count,
			d.count ? d.lines[0] : "-");
	assert_non_null(strstr(chancery_error_last()->message, "bad.xml:"));
}

#define WF(body) "<?xml version=\"1.0\"?>\n<workflow xmlns=\"urn:chancery:workflow:1\" name=\"w\">\n" body "</workflow>\n"

static void test_broken(void **state)
{
	(void)state;
	expect_bad(WF("<state name=\"a\" initial=\"true\"><transition on=\"send\" to=\"b\"/></state>\n"),
		"bad.xml:3: transition to 'b', a state that is not defined");
	expect_bad(WF("<state name=\"a\" initial=\"true\"><transition on=\"send\" to=\"c\"/></state>\n"
		"<state name=\"c\" final=\"true\"/>\n<state name=\"island\" final=\"true\"/>\n"),
		"bad.xml:5: state 'island' cannot be reached from the initial state 'a'");
	expect_bad(WF("<state name=\"a\"><transition on=\"send\" to=\"a\"/></state>\n"),
		"no initial state");
	expect_bad(WF("<state name=\"a\" initial=\"true\"/>\n<state name=\"b\" initial=\"true\"/>\n"),
		"bad.xml:4: a second initial state 'b'");
	expect_bad(WF("<state name=\"a\" initial=\"true\"><transition on=\"send\" to=\"b\"/></state>\n"
		"<state name=\"b\"/>\n"), "bad.xml:4: state 'b' has no way out and is not final");
	expect_bad(WF("<state name=\"a\" initial=\"true\" final=\"true\"/>\n<state name=\"a\" final=\"true\"/>\n"),
		"bad.xml:4: state 'a' is defined twice");
	expect_bad(WF("<state name=\"a\" initial=\"true\"><transition on=\"fly\" to=\"a\"/></state>\n"),
		"bad.xml:3:");
	expect_bad(WF("<state name=\"a\" initial=\"true\"><transition on=\"time\" to=\"b\">"
		"<guard date=\"today\" after=\"2004-02-30\"/></transition></state>\n"
		"<state name=\"b\" final=\"true\"/>\n"), "guard date '2004-02-30' is not a real date");
	expect_bad(WF("<state name=\"A b\" initial=\"true\" final=\"true\"/>\n"), "bad.xml:3:");
	expect_bad("<?xml version=\"1.0\"?>\n<!DOCTYPE w [<!ENTITY e \"x\">]>\n<workflow/>",
		"DOCTYPE");
	expect_bad("<workflow xmlns=\"urn:chancery:workflow:1\" name=\"w\"><state", "bad.xml:1:");
	expect_bad(WF("<stage name=\"a\"/>\n"), "bad.xml:3:");
	/* conditions: known words only, and at least one of them */
	expect_bad(WF("<state name=\"a\" initial=\"true\"><transition on=\"time\" to=\"b\">"
		"<condition intentions=\"maybe\"/></transition></state>\n"
		"<state name=\"b\" final=\"true\"/>\n"), "bad.xml:3:");
	expect_bad(WF("<state name=\"a\" initial=\"true\"><transition on=\"time\" to=\"b\">"
		"<condition deposits=\"some\"/></transition></state>\n"
		"<state name=\"b\" final=\"true\"/>\n"), "bad.xml:3:");
	expect_bad(WF("<state name=\"a\" initial=\"true\"><transition on=\"time\" to=\"b\">"
		"<condition/></transition></state>\n"
		"<state name=\"b\" final=\"true\"/>\n"), "bad.xml:3:");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_second_workflow),
		cmocka_unit_test(test_broken),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
