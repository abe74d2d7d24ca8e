/** Whether the viewer is signed in, and as whom, as reactive state: the app shell shows the sign-in page until it is. */
import type { MeResponse } from '../../../contract/access.ts';
import { ApiError, onLoginRequired } from '../lib/api.ts';
import { signOut, whoAmI } from '../lib/auth-api.ts';
import { currentProject } from '../lib/project-param.ts';

export type AuthStatus = 'checking' | 'signedIn' | 'signedOut' | 'unreachable';

class AuthState {
  status = $state<AuthStatus>('checking');
  /** Why the check failed when the server could not be asked; shown instead of the sign-in form. */
  problem = $state('');
  /** `admin` with the admin token, `project` with a project's viewer token. */
  scope = $state<MeResponse['scope']>('admin');
  /** `manage` for the admin and a manage token: settings and deletes are shown only to those who can use them. */
  role = $state<MeResponse['role']>('read');
  /** The projects the sign-in sees, oldest first; the first is shown when the URL names none. */
  projects = $state.raw<MeResponse['projects']>([]);

  /**
   * Key of the project the viewer shows: the one the page URL names, else the first the sign-in sees ('' before
   * sign-in). The URL's query only changes with a full reload, so this is fixed for the page's life.
   */
  get shownProject(): string {
    return currentProject() ?? this.projects[0]?.key ?? '';
  }

  constructor() {
    onLoginRequired(() => (this.status = 'signedOut'));
  }

  /** Asks the server once, at start-up; a later 401 anywhere flips the status through onLoginRequired. */
  async check(): Promise<void> {
    try {
      this.signedIn(await whoAmI());
    } catch (error) {
      if (error instanceof ApiError && error.code === 'login_required') this.status = 'signedOut';
      else {
        this.problem = error instanceof Error ? error.message : String(error);
        this.status = 'unreachable';
      }
    }
  }

  /** Records what the server said about a sign-in (GET /api/me or POST /api/login). */
  signedIn(me: MeResponse): void {
    this.scope = me.scope;
    this.role = me.role;
    this.projects = me.projects;
    this.status = 'signedIn';
  }

  /** Whether this sign-in may change settings and delete data. */
  get canManage(): boolean {
    return this.role === 'manage';
  }

  async signOut(): Promise<void> {
    try {
      await signOut();
    } finally {
      this.status = 'signedOut';
    }
  }
}

export const auth = new AuthState();
