/** Whether the viewer is signed in, as reactive state: the app shell shows the sign-in page until it is. */
import { ApiError, onLoginRequired } from '../lib/api.ts';
import { signOut, whoAmI } from '../lib/auth-api.ts';

export type AuthStatus = 'checking' | 'signedIn' | 'signedOut' | 'unreachable';

class AuthState {
  status = $state<AuthStatus>('checking');
  /** Why the check failed when the server could not be asked; shown instead of the sign-in form. */
  problem = $state('');

  constructor() {
    onLoginRequired(() => (this.status = 'signedOut'));
  }

  /** Asks the server once, at start-up; a later 401 anywhere flips the status through onLoginRequired. */
  async check(): Promise<void> {
    try {
      await whoAmI();
      this.status = 'signedIn';
    } catch (error) {
      if (error instanceof ApiError && error.code === 'login_required') this.status = 'signedOut';
      else {
        this.problem = error instanceof Error ? error.message : String(error);
        this.status = 'unreachable';
      }
    }
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
