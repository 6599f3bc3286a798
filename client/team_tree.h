/* The teams of a workshop in the order show and score list them: each
 * parent before its children, depth first, siblings in number order, each
 * team with its depth below its tree's root. Every team comes once: one
 * whose parent is missing or itself starts a tree of its own, and so do the
 * teams of a parent cycle (which the server never lets anyone make). */
#ifndef CASCADE_TEAM_TREE_H
#define CASCADE_TEAM_TREE_H

#include <stddef.h>

#include "okr.h"

struct team_tree {
    const struct okr_team **teams; /* into the state it was built from */
    int *depth;                    /* 0 for a root */
    size_t n;
};

/* Builds the order of s's teams. 0, or -1 when out of memory (t then holds
 * nothing, and team_tree_free is still safe). */
int team_tree_build(struct team_tree *t, const struct okr_state *s);

void team_tree_free(struct team_tree *t);

#endif
