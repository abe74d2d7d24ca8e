// The global stylesheet goes first so that each component's own styles come later and win ties.
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('viewer/index.html must contain <div id="app">');

export default mount(App, { target });
