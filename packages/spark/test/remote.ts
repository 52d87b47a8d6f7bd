/** The Spark Connect server the tests use: test/services/spark.sh's, on SPARK_CONNECT_PORT. */
export const remote = `sc://127.0.0.1:${process.env.SPARK_CONNECT_PORT ?? 15002}`;
