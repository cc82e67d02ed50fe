import { vi } from 'vitest';

/**
 * Loads a module anew inside the running test (call it from `beforeEach` or the test).
 *
 * For the modules whose behaviour is a table or a pattern built when the module loads (the
 * status machine, the value and date formats): mutation testing counts code that runs at
 * load as belonging to no test, and would rerun every test file of the repository for each
 * changed table entry. Loaded here, the table belongs to the tests that read it, and a
 * changed entry is tried against exactly those tests.
 */
export async function freshModule<T>(load: () => Promise<T>): Promise<T> {
  vi.resetModules();
  return load();
}
