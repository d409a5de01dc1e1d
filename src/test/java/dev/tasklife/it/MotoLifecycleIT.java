package dev.tasklife.it;

import java.net.URI;

import dev.tasklife.emulated.MotoServer;

/** The lifecycle scenarios against moto_server (DynamoDB, EventBridge, SQS) on 127.0.0.1. */
class MotoLifecycleIT extends LifecycleScenarios {

    private MotoServer moto;

    @Override
    URI startEmulator() throws Exception {
        moto = MotoServer.start();
        return moto.endpoint();
    }

    @Override
    void stopEmulator() {
        if (moto != null) {
            moto.close();
        }
    }
}
