export * from "./measurements";
