package org.emnistnet.data;

import org.emnistnet.InvalidDataException;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;

/** Input-column checks for Spark ML stages: run in {@code transformSchema}, before any work. */
public final class SchemaChecks {
    private SchemaChecks() {
    }

    /** Fails, naming the stage, when {@code name} is missing from {@code schema} or not of {@code type}. */
    public static void requireColumn(String stage, StructType schema, String name, DataType type, String what) {
        DataType actual = requirePresent(stage, schema, name, what);
        if (!actual.equals(type)) {
            throw new InvalidDataException(stage + ": column '" + name + "' has type " + actual.simpleString()
                    + ", expected " + type.simpleString() + " (" + what + ")");
        }
    }

    /** Fails, naming the stage, when {@code name} is missing or not numeric (any of Spark's number types). */
    public static void requireNumericColumn(String stage, StructType schema, String name, String what) {
        DataType actual = requirePresent(stage, schema, name, what);
        if (!(actual instanceof NumericType)) {
            throw new InvalidDataException(stage + ": column '" + name + "' has type " + actual.simpleString()
                    + ", expected a number (" + what + ")");
        }
    }

    private static DataType requirePresent(String stage, StructType schema, String name, String what) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new InvalidDataException(stage + ": input column '" + name + "' is missing (" + what + "); the data has "
                    + Arrays.toString(schema.fieldNames()));
        }
        return schema.apply(name).dataType();
    }
}
