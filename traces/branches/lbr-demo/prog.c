/* The program of traces/branches/user.data (generate.sh compiles it): loops, conditions and
   calls, no libc and no indirect branch; entry never returns, so every return has its call. */
static volatile unsigned long sink;
__attribute__((noinline)) static unsigned long collatz(unsigned long n) {
    unsigned long steps = 0;
    while (n != 1) {
        n = (n & 1) ? 3 * n + 1 : n / 2;
        steps++;
    }
    return steps;
}
__attribute__((noinline)) static unsigned long sum_odd(unsigned long n) {
    unsigned long s = 0;
    for (unsigned long i = 0; i < n; i++) {
        if (i % 3 == 0) continue;
        if (i & 1) s += i; else s ^= i;
    }
    return s;
}
__attribute__((noinline)) static unsigned long mix(unsigned long a, unsigned long b) {
    if (a > b) return collatz(a - b + 1);
    return sum_odd(b - a + 7);
}
void entry(void) {
    unsigned long i = 0;
    for (;;) {
        sink += mix(i & 31, i % 23);
        if ((i & 7) == 3) sink += collatz(i + 27);
        i++;
    }
}
