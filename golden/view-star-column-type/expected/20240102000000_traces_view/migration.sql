CREATE VIEW traces_view AS SELECT t.* FROM "traces" t;
