/**
 * Tests that drive a Debian tool for real skip with a message naming its apt package when the tool
 * is absent — except under CI, where `.ci/run` installs it, so absence is a failure.
 */
import { execFileSync } from 'node:child_process';

export function missingTool(command: string, aptPackage: string): string | null {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return null;
  } catch {
    const reason = `${command} is not installed (apt-get install -y ${aptPackage})`;
    if (process.env.CI) throw new Error(`CI must run this test: ${reason}`);
    return reason;
  }
}
