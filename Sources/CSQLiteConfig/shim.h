#ifndef CSQLITECONFIG_SHIM_H
#define CSQLITECONFIG_SHIM_H

#include <sqlite3.h>

/* sqlite3_config is variadic, which Swift cannot call; GRDB's own shim wraps only SQLITE_CONFIG_LOG.
   Both settings must be made before SQLite initializes (before the first connection opens); later
   calls return SQLITE_MISUSE and change nothing. */

/* Multi-thread mode: no mutex around each connection. Safe under GRDB, which uses every connection
   from one serial queue at a time (its own Configuration documents the mode as the one it supports). */
static inline int csqlite_config_multithread(void) { return sqlite3_config(SQLITE_CONFIG_MULTITHREAD); }

/* No memory statistics: they take a global mutex on every allocation, and nothing reads them. */
static inline int csqlite_config_no_memstatus(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

#endif
