/*
 * chancery.h - the public API of libchancery, a document-workflow and
 * correspondence engine that keeps everything in a Git repository.
 * Include this one header; see docs/architecture.md for the map.
 */
#ifndef CHANCERY_H
#define CHANCERY_H

#include "chancery/common.h"
#include "chancery/repository.h"
#include "chancery/registry.h"
#include "chancery/event.h"
#include "chancery/sync.h"
#include "chancery/letters.h"
#include "chancery/workflow.h"
#include "chancery/campaign.h"
#include "chancery/archive.h"
#include "chancery/index.h"

#endif
