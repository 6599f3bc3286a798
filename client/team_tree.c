#include "team_tree.h"

#include <stdlib.h>

static void visit(struct team_tree *t, const struct okr_state *s, unsigned char *seen, size_t i,
                  int depth)
{
    if (seen[i])
        return;
    seen[i] = 1;
    t->teams[t->n] = &s->teams[i];
    t->depth[t->n++] = depth;
    for (size_t j = 0; j < s->nteams; j++)
        if (s->teams[j].parent == s->teams[i].num)
            visit(t, s, seen, j, depth + 1);
}

int team_tree_build(struct team_tree *t, const struct okr_state *s)
{
    t->n = 0;
    t->teams = calloc(s->nteams + 1, sizeof *t->teams);
    t->depth = calloc(s->nteams + 1, sizeof *t->depth);
    unsigned char *seen = calloc(s->nteams + 1, 1);
    if (t->teams == NULL || t->depth == NULL || seen == NULL) {
        free(seen);
        team_tree_free(t);
        return -1;
    }
    for (size_t i = 0; i < s->nteams; i++) {
        const struct okr_team *team = &s->teams[i];
        if (team->parent == 0 || team->parent == team->num ||
            okr_team_find(s, team->parent) == NULL)
            visit(t, s, seen, i, 0);
    }
    for (size_t i = 0; i < s->nteams; i++)
        visit(t, s, seen, i, 0);
    free(seen);
    return 0;
}

void team_tree_free(struct team_tree *t)
{
    free(t->teams);
    free(t->depth);
    t->teams = NULL;
    t->depth = NULL;
    t->n = 0;
}
