/* Figures about the running process that the operator's views read
 * (admin stats, the metrics endpoint). */
#ifndef CASCADE_PROCESS_H
#define CASCADE_PROCESS_H

#include <stdint.h>

/* The process's resident memory in bytes (Linux: /proc/self/statm); 0
 * when it cannot be read. */
uint64_t process_resident_bytes(void);

#endif
