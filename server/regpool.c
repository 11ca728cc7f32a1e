/*
 * server/regpool.c - the registry handle pool of server.h.  SQLite in WAL
 * mode lets the handles share the data directory; the pool only saves
 * opening the database on every request.
 */
#include <string.h>

#include "server.h"

int regpool_init(struct regpool *pool, const char *dir)
{
	memset(pool, 0, sizeof(*pool));
	pool->dir = dir;
	return pthread_mutex_init(&pool->lock, NULL) == 0 ? 0 : -1;
}

tamga_registry *regpool_get(struct regpool *pool)
{
	tamga_registry *reg = NULL;

	pthread_mutex_lock(&pool->lock);
	if (pool->nfree > 0)
		reg = pool->free[--pool->nfree];
	pthread_mutex_unlock(&pool->lock);
	if (reg == NULL && tamga_registry_open(&reg, pool->dir, 0) < 0)
		reg = NULL;
	return reg;
}

void regpool_put(struct regpool *pool, tamga_registry *reg)
{
	if (reg == NULL)
		return;
	pthread_mutex_lock(&pool->lock);
	if (pool->nfree < sizeof(pool->free) / sizeof(pool->free[0])) {
		pool->free[pool->nfree++] = reg;
		reg = NULL;
	}
	pthread_mutex_unlock(&pool->lock);
	tamga_registry_close(reg);
}

void regpool_fini(struct regpool *pool)
{
	while (pool->nfree > 0)
		tamga_registry_close(pool->free[--pool->nfree]);
	pthread_mutex_destroy(&pool->lock);
}
