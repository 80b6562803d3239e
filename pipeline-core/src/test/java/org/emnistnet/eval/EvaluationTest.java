package org.emnistnet.eval;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.EmnistNetException;
import org.emnistnet.PreparedFashionMnist;
import org.emnistnet.SparkTestSession;
import org.emnistnet.TinyModel;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.model.TrainedModel;
import org.emnistnet.score.BatchScorer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The join of predictions and labels counts each image once, or refuses: it never folds bad rows into metrics. */
class EvaluationTest {
    private final SparkSession spark = SparkTestSession.get();
    @TempDir
    java.nio.file.Path tmp;
    private TrainedModel model;
    private Dataset<Row> labelled;
    private Dataset<Row> predictions;

    @BeforeEach
    void scoreFiftyImages() throws Exception {
        model = TrainedModel.load(TinyModel.save(TinyModel.network(), tmp.resolve("run")).toString());
        labelled = spark.read().parquet(PreparedFashionMnist.path()).where(col(ImageSchema.SPLIT).equalTo("test"))
                .orderBy(ImageSchema.ID).limit(50).cache();
        BatchScorer scorer = new BatchScorer(spark, model, 2, 64);
        scorer.write(scorer.scoreImages(labelled), new Path(tmp.resolve("scores").toString()), org.emnistnet.score.OutputFormat.parquet, false, "test");
        predictions = spark.read().parquet(tmp.resolve("scores").toString());
    }

    @Test
    void predictionsWithoutALabelRowAreCountedApartAndEveryImageOnce() {
        Evaluation.Outcome outcome = Evaluation.evaluate(predictions, labelled.limit(40), model.classNames(), 3);
        assertEquals(40, outcome.metrics().total());
        assertEquals(10, outcome.unlabelled());
        assertEquals(0, outcome.unscored());
    }

    @Test
    void anIdRepeatedInThePredictionsIsRefusedNamingIt() {
        Row first = predictions.orderBy(ImageSchema.ID).first();
        Dataset<Row> twice = predictions.union(predictions.where(col(ImageSchema.ID).equalTo(first.getAs(ImageSchema.ID))));
        EmnistNetException error = assertThrows(EmnistNetException.class,
                () -> Evaluation.evaluate(twice, labelled, model.classNames(), 3));
        assertThat(error.getMessage()).contains("the predictions hold ids more than once")
                .contains("'" + first.getAs(ImageSchema.ID) + "' x2");
    }

    @Test
    void anIdRepeatedInTheLabelsIsRefusedNamingIt() {
        Row first = labelled.orderBy(ImageSchema.ID).first();
        Dataset<Row> twice = labelled.union(labelled.where(col(ImageSchema.ID).equalTo(first.getAs(ImageSchema.ID))));
        EmnistNetException error = assertThrows(EmnistNetException.class,
                () -> Evaluation.evaluate(predictions, twice, model.classNames(), 3));
        assertThat(error.getMessage()).contains("the labelled rows hold ids more than once")
                .contains("'" + first.getAs(ImageSchema.ID) + "' x2");
    }

    @Test
    void aRowWithoutAnIdOnEitherSideIsRefusedInsteadOfDroppingOutOfTheJoin() {
        Row first = labelled.orderBy(ImageSchema.ID).first();
        Dataset<Row> nullPrediction = predictions.withColumn(ImageSchema.ID, when(col(ImageSchema.ID)
                .equalTo(first.getAs(ImageSchema.ID)), lit(null)).otherwise(col(ImageSchema.ID)));
        EmnistNetException error = assertThrows(EmnistNetException.class,
                () -> Evaluation.evaluate(nullPrediction, labelled, model.classNames(), 3));
        assertThat(error.getMessage()).contains("evaluate: the predictions hold 1 row(s) without an id (null)");

        Dataset<Row> nullLabel = labelled.withColumn(ImageSchema.ID, when(col(ImageSchema.ID)
                .equalTo(first.getAs(ImageSchema.ID)), lit(null)).otherwise(col(ImageSchema.ID)));
        error = assertThrows(EmnistNetException.class, () -> Evaluation.evaluate(predictions, nullLabel, model.classNames(), 3));
        assertThat(error.getMessage()).contains("evaluate: the labelled rows hold 1 row(s) without an id (null)");
    }

    @Test
    void aLabelOutsideTheModelsClassesIsRefusedNamingTheImage() {
        Row first = labelled.orderBy(ImageSchema.ID).first();
        Dataset<Row> wrong = labelled.withColumn(ImageSchema.LABEL, when(col(ImageSchema.ID).equalTo(first.getAs(ImageSchema.ID)),
                lit(-1)).otherwise(col(ImageSchema.LABEL)));
        EmnistNetException error = assertThrows(EmnistNetException.class,
                () -> Evaluation.evaluate(predictions, wrong, model.classNames(), 3));
        assertThat(error.getMessage()).contains("evaluate: labels must lie in 0..9")
                .contains("id '" + first.getAs(ImageSchema.ID) + "' has -1");
    }
}
