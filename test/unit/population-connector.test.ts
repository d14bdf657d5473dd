import { CircuitBreaker, FairSlots } from '../../src/subgraphs/population/connector/client';
import { VerificationBudget } from '../../src/subgraphs/population/connector/verification-budget';

/** A task that finishes when told to, recording when it started. */
function gate(log: string[], name: string): { task: () => Promise<string>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    task: async () => {
      log.push(name);
      await opened;
      return name;
    },
    open: () => open(),
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('upstream slots', () => {
  it('never runs more than the limit at once, and hands each freed slot on', async () => {
    const slots = new FairSlots(2);
    let running = 0;
    let most = 0;
    const task = async (): Promise<void> => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
    };
    await Promise.all(Array.from({ length: 12 }, (_, index) => slots.run(`key-${index % 3}`, task)));
    expect(most).toBe(2);
    // Slots are all free again: two new tasks start at once.
    const started: string[] = [];
    const [a, b] = [gate(started, 'a'), gate(started, 'b')];
    const runs = [slots.run('x', a.task), slots.run('y', b.task)];
    await tick();
    expect(started).toEqual(['a', 'b']);
    a.open();
    b.open();
    expect(await Promise.all(runs)).toEqual(['a', 'b']);
  });

  it('gives a freed slot to the waiting caller served longest ago, so one key with many batches does not hold up another', async () => {
    const slots = new FairSlots(1);
    const started: string[] = [];
    const gates = new Map(['big1', 'big2', 'big3', 'big4', 'small', 'other'].map((name) => [name, gate(started, name)]));
    const share = (name: string): string => name.replace(/\d$/, '');
    const runs = [...gates].map(([name, g]) => slots.run(share(name), g.task));
    // Finish whatever runs now, one task at a time, and see who starts next.
    for (let step = 0; step < gates.size; step += 1) {
      await tick();
      gates.get(started[started.length - 1] ?? '')?.open();
    }
    expect(await Promise.all(runs)).toEqual([...gates.keys()]);
    expect(started).toEqual(['big1', 'small', 'other', 'big2', 'big3', 'big4']);
  });

  it('passes a failure on and frees the slot', async () => {
    const slots = new FairSlots(1);
    await expect(slots.run('k', () => Promise.reject(new Error('upstream said no')))).rejects.toThrow('upstream said no');
    await expect(slots.run('k', async () => 'next')).resolves.toBe('next');
  });
});

describe('verification budget', () => {
  it('allows a key its verifications per hour, keys apart, and renews on the hour', () => {
    let now = Date.UTC(2025, 6, 1, 9, 59, 0);
    const budget = new VerificationBudget(3, () => now);
    expect([budget.take('k_a'), budget.take('k_a'), budget.take('k_a'), budget.take('k_a')]).toEqual([true, true, true, false]);
    expect(budget.take('k_b')).toBe(true);
    now = Date.UTC(2025, 6, 1, 10, 0, 0);
    expect(budget.take('k_a')).toBe(true);
  });
});

describe('circuit breaker', () => {
  it('opens after the threshold, lets one probe through once half-open, and closes on success', () => {
    let now = 0;
    const breaker = new CircuitBreaker(2, 1_000, () => now);
    breaker.failure();
    expect(breaker.state).toBe('closed');
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    now = 1_000;
    expect(breaker.state).toBe('half-open');
    expect([breaker.tryAcquire(), breaker.tryAcquire()]).toEqual([true, false]);
    breaker.success();
    expect(breaker.state).toBe('closed');
  });
});
