/**
 * The browser entry of `/admin.js`, the admin console (bundled by esbuild into one IIFE and
 * loaded by the page `/admin` serves). It mounts into `#app`.
 */
import { startAdminApp } from './admin/admin-app.js';

const root = document.getElementById('app');
if (root) void startAdminApp(root);
