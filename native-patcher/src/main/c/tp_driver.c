/*
 * textpoke-patcher: the child process an experiment runs in. A race executes torn
 * instructions on purpose and installs process-wide signal handlers, so it never runs inside
 * the JVM; the Java side starts this program (under qemu-aarch64 for the aarch64 build),
 * writes the config struct to its stdin and reads the result struct from its stdout.
 *
 *   textpoke-patcher race|cost [--deny-membarrier ERRNO[:CMD]]
 *
 * stdin: struct tp_config (race) or struct tp_cost_config (cost), exactly as the header lays
 * it out. stdout: struct tp_result or struct tp_cost_result, also when it reports an error.
 * Exit status: 0 when a result was written, 2 on bad usage or input. A run that dies by a
 * signal is a bug, which the parent reports as such.
 *
 * --deny-membarrier installs a seccomp filter that makes membarrier(2) (or only the command
 * CMD, a number) fail with ERRNO (ENOSYS, EPERM or EINVAL), as a sandbox or an older kernel
 * would: a way to see the patcher's handling of those environments on any machine.
 */
#include "textpoke_patcher.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define AUDIT_ARCH_HOST AUDIT_ARCH_X86_64
#else
#define AUDIT_ARCH_HOST AUDIT_ARCH_AARCH64
#endif

static int usage(const char *msg)
{
	fprintf(stderr, "textpoke-patcher: %s\n"
			"usage: textpoke-patcher race|cost [--deny-membarrier ERRNO[:CMD]] < config > result\n",
		msg);
	return 2;
}

static int read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = read(fd, (char *)buf + done, len - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += (size_t)r;
	}
	char extra;
	return read(fd, &extra, 1) == 0 ? 0 : -1;
}

static int write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = write(fd, (const char *)buf + done, len - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += (size_t)r;
	}
	return 0;
}

static int deny_membarrier(const char *spec)
{
	char name[16];
	long cmd = -1;
	int err;
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);

	if (n >= sizeof(name))
		return -1;
	memcpy(name, spec, n);
	name[n] = 0;
	if (strcmp(name, "ENOSYS") == 0)
		err = ENOSYS;
	else if (strcmp(name, "EPERM") == 0)
		err = EPERM;
	else if (strcmp(name, "EINVAL") == 0)
		err = EINVAL;
	else
		return -1;
	if (colon) {
		char *end;
		cmd = strtol(colon + 1, &end, 0);
		if (*end || cmd < 0)
			return -1;
	}
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_HOST, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_membarrier, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* args[0], low 32 bits (little-endian). */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)cmd, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, cmd < 0 ? SECCOMP_RET_ERRNO | (uint32_t)err : SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (uint32_t)err),
	};
	struct sock_fprog prog = {sizeof(filter) / sizeof(filter[0]), filter};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
		fprintf(stderr, "textpoke-patcher: cannot install the seccomp filter: %s\n",
			strerror(errno));
		return -2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int race;

	if (argc < 2)
		return usage("missing command");
	if (strcmp(argv[1], "race") == 0)
		race = 1;
	else if (strcmp(argv[1], "cost") == 0)
		race = 0;
	else
		return usage("unknown command");
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--deny-membarrier") == 0 && i + 1 < argc) {
			int r = deny_membarrier(argv[++i]);
			if (r == -1)
				return usage("--deny-membarrier takes ENOSYS, EPERM or EINVAL, with an"
					     " optional :CMD");
			if (r < 0)
				return 2;
		} else {
			return usage("unknown option");
		}
	}
	if (race) {
		struct tp_config cfg;
		struct tp_result res;
		if (read_full(0, &cfg, sizeof(cfg)) != 0 || cfg.size != sizeof(cfg))
			return usage("stdin does not hold one struct tp_config");
		tp_race(&cfg, &res);
		return write_full(1, &res, sizeof(res)) == 0 ? 0 : 2;
	}
	struct tp_cost_config cfg;
	struct tp_cost_result res;
	if (read_full(0, &cfg, sizeof(cfg)) != 0 || cfg.size != sizeof(cfg))
		return usage("stdin does not hold one struct tp_cost_config");
	tp_cost(&cfg, &res);
	return write_full(1, &res, sizeof(res)) == 0 ? 0 : 2;
}
