package dev.satchel.demo;

import dev.satchel.SessionManager;

/** The objects the pages share. */
record DemoApp(SessionManager sessions, Accounts accounts, String engineName) {}
