import { loadConfig } from './config/app-config';
import { startApp } from './bootstrap';

startApp(loadConfig()).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
