DROP TABLE "posts";
DROP TABLE "users";
DROP TABLE "products";
DROP TABLE "categories";
DROP TABLE "audit_logs";
