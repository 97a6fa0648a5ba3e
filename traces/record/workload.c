/*
 * Small, deterministic CPU workload for the recordings in traces/: three nested functions so that
 * frame-pointer and DWARF call chains have several user frames, a fork so that FORK/EXIT records
 * appear, and an exec of /bin/true (unless -n) so that COMM exec and sched_process_exec appear.
 *
 *   workload [-n] MILLISECONDS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile uint64_t sink;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

__attribute__((noinline)) static uint64_t leaf(uint64_t x)
{
	for (int i = 0; i < 1000; i++)
		x = x * 6364136223846793005u + 1442695040888963407u;
	return x;
}

__attribute__((noinline)) static uint64_t middle(uint64_t x)
{
	return leaf(x) ^ leaf(x + 1);
}

__attribute__((noinline)) static void outer(uint64_t until)
{
	uint64_t x = 1;
	while (now_ns() < until)
		x = middle(x);
	sink = x;
}

int main(int argc, char **argv)
{
	int exec_true = 1;
	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		exec_true = 0;
		argc--;
		argv++;
	}
	long ms = argc > 1 ? strtol(argv[1], NULL, 10) : 50;
	pid_t child = fork();
	if (child < 0) {
		perror("fork");
		return 1;
	}
	/* Parent and child both spin, so samples come from two tasks. */
	outer(now_ns() + (uint64_t)ms * 1000000u / 2);
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	outer(now_ns() + (uint64_t)ms * 1000000u / 2);
	if (exec_true) {
		execl("/bin/true", "true", (char *)NULL);
		perror("execl");
		return 1;
	}
	return 0;
}
