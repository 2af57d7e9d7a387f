/* Stage 1's native layer: a container's last steps (become.c) and the pod's user namespace
 * (userns.c). Exit codes as a shell's: 125 the
 * container could not be set up, 126 its command is not executable, 127 not found. */
#ifndef PODUNITS_NATIVE_H
#define PODUNITS_NATIVE_H

#include <stddef.h>

#define PODUNITS_SETUP_FAILED 125
#define PODUNITS_NOT_EXECUTABLE 126
#define PODUNITS_NOT_FOUND 127

/* Carries out the exec spec (Container/ExecSpec.cs) and execve's; returns only on failure,
 * with the exit code and a one-line reason in error. carried_steps: the set-up timing so far
 * ("LAST-NS TOTAL-NS STEPS"), or NULL when not timing. */
int podunits_become(const unsigned char *spec, size_t length, const char *carried_steps, char *error, size_t error_size);

/* A new user namespace whose uid_map and gid_map are map ("0 FIRST SIZE\n"), as a
 * close-on-exec descriptor (userns.c); -1 with a one-line reason in error. */
int podunits_create_userns(const char *map, char *error, size_t error_size);

#endif
