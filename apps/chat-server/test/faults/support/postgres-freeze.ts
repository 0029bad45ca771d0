import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Stops every process of the PostgreSQL server in `dataDir` with SIGSTOP (the postmaster first,
 * so it forks no new backend, then its children): connections stay open and the kernel still
 * accepts new ones, but nothing answers, as with a hung host. Returns the function that resumes
 * them; call it in a `finally`.
 */
export async function freezePostgres(dataDir: string): Promise<() => void> {
  const postmaster = Number(
    (await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0],
  );
  const stopped: number[] = [];
  const resume = () => {
    for (const pid of stopped.reverse()) signal(pid, 'SIGCONT');
  };
  try {
    process.kill(postmaster, 'SIGSTOP');
    stopped.push(postmaster);
    for (const child of await childrenOf(postmaster)) {
      if (signal(child, 'SIGSTOP')) stopped.push(child);
    }
  } catch (error) {
    resume();
    throw error;
  }
  return resume;
}

async function childrenOf(parent: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === parent) children.push(Number(entry));
  }
  return children;
}

/** False if the process is gone (a backend may exit between the listing and the signal). */
function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}
