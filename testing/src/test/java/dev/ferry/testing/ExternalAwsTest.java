package dev.ferry.testing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExternalAwsTest {

    @Test
    void withoutThePropertyTheEmbeddedEmulatorsRunAndAnUnknownNameSaysWhatToDo() {
        String before = System.getProperty(ExternalAws.SELECT_PROPERTY);
        try {
            System.clearProperty(ExternalAws.SELECT_PROPERTY);
            assertThat(ExternalAws.selected()).isNull();
            System.setProperty(ExternalAws.SELECT_PROPERTY, "emulators");
            assertThat(ExternalAws.selected()).isNull();
            // this module's test classpath has no ExternalAws implementation
            System.setProperty(ExternalAws.SELECT_PROPERTY, "localstack");
            assertThatThrownBy(ExternalAws::selected).isInstanceOf(IllegalStateException.class)
                    .hasMessage("ferry.test.aws=localstack but no such AWS is on the test classpath (found: none); "
                            + "for LocalStack run the build with -Plocalstack");
        } finally {
            if (before == null) {
                System.clearProperty(ExternalAws.SELECT_PROPERTY);
            } else {
                System.setProperty(ExternalAws.SELECT_PROPERTY, before);
            }
        }
    }
}
