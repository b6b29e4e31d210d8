from django.urls import path

from coopbuy.web import media, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("g/<slug:slug>/now/", views.group_now, name="group_now"),
    path("ready/", views.ready, name="ready"),
    path("media/products/<path:path>", media.product_image, name="product_image"),
]
