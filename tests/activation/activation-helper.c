/*
 * A tiny static stand-in for systemd-notify and for a socket-activated server, for the
 * integration tests of docs/activation.md: the test image is busybox, which can neither
 * send a datagram to a unix socket nor accept on an inherited listening socket.
 *
 *   activation-helper notify ASSIGNMENT...   one datagram to $NOTIFY_SOCKET (the
 *       assignments joined by newlines), then BARRIER=1 as systemd-notify does: waits until
 *       the receiver has read it (sd_notify_barrier(3)), so it is still alive when checked.
 *   activation-helper serve TEXT [once]      sd_listen_fds(3) semantics: LISTEN_PID must be
 *       this process; accepts on fd 3 and answers each connection with one line
 *       "TEXT pid=PID fds=N names=NAMES"; with "once", exits after the first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int send_datagram(int fd, const struct sockaddr_un *to, const char *text, int pass_fd)
{
    struct iovec iov = { .iov_base = (void *)text, .iov_len = strlen(text) };
    union { struct cmsghdr align; char buffer[CMSG_SPACE(sizeof(int))]; } control;
    struct msghdr msg = { .msg_name = (void *)to, .msg_namelen = sizeof(*to), .msg_iov = &iov, .msg_iovlen = 1 };
    if (pass_fd >= 0) {
        memset(&control, 0, sizeof(control));
        msg.msg_control = control.buffer;
        msg.msg_controllen = sizeof(control.buffer);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
    }
    return sendmsg(fd, &msg, 0) < 0 ? -1 : 0;
}

static int notify(int argc, char **argv)
{
    const char *path = getenv("NOTIFY_SOCKET");
    if (path == NULL || path[0] != '/' || strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
        fprintf(stderr, "activation-helper: NOTIFY_SOCKET is not an absolute socket path\n");
        return 1;
    }
    struct sockaddr_un to = { .sun_family = AF_UNIX };
    strcpy(to.sun_path, path);
    char text[4096] = "";
    for (int i = 0; i < argc; i++) {
        if (strlen(text) + strlen(argv[i]) + 2 > sizeof(text)) {
            return 1;
        }
        strcat(text, argv[i]);
        strcat(text, "\n");
    }
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int pipefd[2];
    if (fd < 0 || send_datagram(fd, &to, text, -1) < 0 || pipe2(pipefd, O_CLOEXEC) < 0
        || send_datagram(fd, &to, "BARRIER=1", pipefd[1]) < 0) {
        fprintf(stderr, "activation-helper: notify: %s\n", strerror(errno));
        return 1;
    }
    close(pipefd[1]);
    struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
    if (poll(&p, 1, 5000) != 1) {
        fprintf(stderr, "activation-helper: the barrier was not answered in 5 s\n");
        return 1;
    }
    return 0;
}

static int serve(const char *text, int once)
{
    const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS"), *names = getenv("LISTEN_FDNAMES");
    if (pid == NULL || fds == NULL || atoi(pid) != getpid() || atoi(fds) < 1) {
        fprintf(stderr, "activation-helper: no sockets for PID %d (LISTEN_PID=%s LISTEN_FDS=%s)\n",
                getpid(), pid ? pid : "-", fds ? fds : "-");
        return 1;
    }
    for (;;) {
        int c = accept4(3, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) {
            if (errno == EINTR) {
                continue;
            }
            fprintf(stderr, "activation-helper: accept on fd 3: %s\n", strerror(errno));
            return 1;
        }
        dprintf(c, "%s pid=%d fds=%s names=%s\n", text, getpid(), fds, names ? names : "");
        close(c);
        if (once) {
            return 0;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "notify") == 0) {
        return notify(argc - 2, argv + 2);
    }
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "serve") == 0) {
        return serve(argv[2], argc == 4 && strcmp(argv[3], "once") == 0);
    }
    fprintf(stderr, "usage: activation-helper notify ASSIGNMENT... | serve TEXT [once]\n");
    return 2;
}
