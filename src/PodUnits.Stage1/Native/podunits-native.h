/* Stage 1's native layer: a container's last steps (become.c) and the pod's user namespace
 * (userns.c). Exit codes as a shell's: 125 the
 * container could not be set up, 126 its command is not executable, 127 not found. */
#ifndef PODUNITS_NATIVE_H
#define PODUNITS_NATIVE_H

#include <stddef.h>

#define PODUNITS_SETUP_FAILED 125
#define PODUNITS_NOT_EXECUTABLE 126
#define PODUNITS_NOT_FOUND 127

#include <stdint.h>
#include <sys/types.h>

/* Carries out the exec spec (Container/ExecSpec.cs) and execve's; returns only on failure,
 * with the exit code and a one-line reason in error. carried_steps: the set-up timing so far
 * ("LAST-NS TOTAL-NS STEPS"), or NULL when not timing. */
int podunits_become(const unsigned char *spec, size_t length, const char *carried_steps, char *error, size_t error_size);

/* The same in its parts, for container-exec (enter.c), which forks between the last step and
 * the execve: the spec read, every step but the execve carried out (lsm_fd: the LSM
 * attribute's file opened already, or -1 to open the spec's path), and the reason an execve
 * failed. Each returns 0 or the exit code, with a one-line reason in error. */
struct podunits_spec {
    char *name, *path, *cwd, *filter, *lsm_path, *lsm_value, **argv, **envp;
    size_t filter_length, lsm_length;
    uint32_t flags, uid, gid, ngroups, passed_fds;
    uint64_t keep;
    gid_t *groups;
};
int podunits_spec_read(const unsigned char *spec, size_t length, struct podunits_spec *s, char *error, size_t error_size);
int podunits_prepare(const struct podunits_spec *s, int lsm_fd, const char *carried_steps, char *error, size_t error_size);
int podunits_exec_failed(const struct podunits_spec *s, char *error, size_t error_size);

/* A new user namespace whose uid_map and gid_map are map ("0 FIRST SIZE\n"), as a
 * close-on-exec descriptor (userns.c); -1 with a one-line reason in error. */
int podunits_create_userns(const char *map, char *error, size_t error_size);

#endif
